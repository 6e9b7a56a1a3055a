package io.junitmultihost.api;

import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How many hosts are enough: a target, a minimum and a countdown. Hosts are counted as they make
 * it (a reboot reaching {@link HostState#READY}, a host answering when gathered for a test).
 * Reaching the target ends the wait at once. Reaching the minimum starts the countdown; when it
 * ends, the run goes on with the hosts it has. Below the minimum at the {@link #deadline()} (or
 * once too few hosts are left to reach it), the wait fails naming every missing host and its state.
 * Immutable.
 *
 * <pre>{@code
 * // every host of the role wanted (a role with min may have fewer than its count), 85 are enough;
 * // wait up to 2 more minutes for stragglers once 85 are back
 * List<Host> nodes = cluster.role("node");
 * RebootResults results = cluster.reboot(nodes, Quorum.of(nodes.size(), 85, Duration.ofMinutes(2)));
 * }</pre>
 */
public final class Quorum {

    private static final Quorum ALL = new Quorum(0, 0, Duration.ZERO, null, true);

    private final int target;
    private final int min;
    private final Duration countdown;
    private final Duration deadline;
    private final boolean all;

    private Quorum(int target, int min, Duration countdown, Duration deadline, boolean all) {
        this.target = target;
        this.min = min;
        this.countdown = countdown;
        this.deadline = deadline;
        this.all = all;
    }

    /** Every host given must make it; there is nothing to count down. */
    public static Quorum all() {
        return ALL;
    }

    /**
     * {@code target} hosts wanted, {@code min} enough, and {@code countdown} of waiting for more once
     * {@code min} made it.
     *
     * @throws IllegalArgumentException unless {@code 1 <= min <= target} and the countdown is not negative
     */
    public static Quorum of(int target, int min, Duration countdown) {
        Objects.requireNonNull(countdown, "countdown");
        if (min < 1 || min > target) {
            throw new IllegalArgumentException("A quorum needs 1 <= min <= target, was min [" + min + "], target ["
                    + target + "].");
        }
        if (countdown.isNegative()) {
            throw new IllegalArgumentException("A quorum's countdown must not be negative, was [" + HumanDuration.of(countdown) + "].");
        }
        return new Quorum(target, min, countdown, null, false);
    }

    /**
     * With a deadline for reaching the minimum. Without one, a reboot waits until every host's state
     * machine has ended (each phase has its own deadline).
     */
    public Quorum withDeadline(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("A quorum's deadline must be positive, was [" + HumanDuration.of(deadline) + "].");
        }
        return new Quorum(target, min, countdown, deadline, all);
    }

    /**
     * This quorum for {@code hosts} hosts: {@link #all()} becomes {@code hosts} of {@code hosts}.
     *
     * @throws ConfigurationException when the target is more than {@code hosts}
     */
    public Quorum forHosts(int hosts) {
        if (all) {
            return new Quorum(hosts, hosts, Duration.ZERO, deadline, false);
        }
        if (target > hosts) {
            throw new ConfigurationException("A quorum with target [" + target + "] cannot be met by [" + hosts
                    + "] hosts; lower the target or give more hosts.");
        }
        return this;
    }

    /** Whether this is {@link #all()}: target and minimum are the number of hosts given. */
    public boolean isAll() {
        return all;
    }

    /** How many hosts are wanted; 0 for {@link #all()} until {@link #forHosts(int)}. */
    public int target() {
        return target;
    }

    /** How many hosts are enough; 0 for {@link #all()} until {@link #forHosts(int)}. */
    public int min() {
        return min;
    }

    /** How long to wait for more hosts once the minimum made it. */
    public Duration countdown() {
        return countdown;
    }

    /** The deadline for reaching the minimum, if one was set. */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(deadline);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quorum q && target == q.target && min == q.min && all == q.all
                && countdown.equals(q.countdown) && Objects.equals(deadline, q.deadline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, min, countdown, deadline, all);
    }

    @Override
    public String toString() {
        return (all ? "Quorum[all" : "Quorum[target=" + target + ", min=" + min + ", countdown=" + countdown)
                + (deadline == null ? "" : ", deadline=" + deadline) + "]";
    }
}
