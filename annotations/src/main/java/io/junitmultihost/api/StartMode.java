package io.junitmultihost.api;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When a stopped remote JVM starts again (GemFire Hydra's ClientVmMgr start modes): at once, when
 * a start asks for it (the default), never, or after a delay.
 */
public final class StartMode implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Restart as soon as it has stopped. */
    public static final StartMode IMMEDIATE = new StartMode("IMMEDIATE", Duration.ZERO);
    /** Stay stopped until {@link Vms#start} starts it. The default. */
    public static final StartMode ON_DEMAND = new StartMode("ON_DEMAND", null);
    /** Never start again: {@link Vms#start} does not choose it. */
    public static final StartMode NEVER = new StartMode("NEVER", null);
    /** {@link #ON_DEMAND}. */
    public static final StartMode DEFAULT = ON_DEMAND;

    private final String name;
    private final Duration delay;

    private StartMode(String name, Duration delay) {
        this.name = name;
        this.delay = delay;
    }

    /** Restart {@code delay} after it has stopped. */
    public static StartMode after(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("A restart delay must not be negative, was [" + delay.toMillis() + " ms].");
        }
        return delay.isZero() ? IMMEDIATE : new StartMode("AFTER " + delay.toMillis() + " ms", delay);
    }

    /** The delay before the restart, for {@link #IMMEDIATE} (zero) and {@link #after}; empty otherwise. */
    public Optional<Duration> delay() {
        return Optional.ofNullable(delay);
    }

    private Object readResolve() {
        return switch (name) {
            case "IMMEDIATE" -> IMMEDIATE;
            case "ON_DEMAND" -> ON_DEMAND;
            case "NEVER" -> NEVER;
            default -> this;
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
