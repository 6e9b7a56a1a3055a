package io.junitmultihost.sync;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What the server knows of a participant: liveness, lease, and the syncpoints it already passed (kept across its reboots). */
public final class ParticipantInfo {

    private final String name;
    private final ParticipantStatus status;
    private final String cause;
    private final boolean rejoined;
    private final Duration lease;
    private final List<String> passed;
    private final long lastNumber;

    /**
     * @param name the participant
     * @param status its liveness
     * @param cause why it is dead, absent or removed; empty when alive
     * @param rejoined true when a join found it already known (it came back)
     * @param lease its lease, {@link Duration#ZERO} when it holds none
     * @param passed syncpoints it passed, in order
     * @param lastNumber the highest numbered syncpoint it reached, 0 for none
     */
    public ParticipantInfo(String name, ParticipantStatus status, String cause, boolean rejoined, Duration lease,
                           List<String> passed, long lastNumber) {
        this.name = Objects.requireNonNull(name, "name");
        this.status = Objects.requireNonNull(status, "status");
        this.cause = cause == null ? "" : cause;
        this.rejoined = rejoined;
        this.lease = Objects.requireNonNull(lease, "lease");
        this.passed = List.copyOf(passed);
        this.lastNumber = lastNumber;
    }

    /** The participant's name. */
    public String name() {
        return name;
    }

    /** Its liveness. */
    public ParticipantStatus status() {
        return status;
    }

    /** Why it is dead, absent or removed; empty when alive. */
    public String cause() {
        return cause;
    }

    /** True when a join found it already known: it came back and {@link #passed()} says how far it got. */
    public boolean rejoined() {
        return rejoined;
    }

    /** Its lease; {@link Duration#ZERO} when it holds none. */
    public Duration lease() {
        return lease;
    }

    /** Syncpoints it passed (released or failed after its arrival), in order. */
    public List<String> passed() {
        return passed;
    }

    /** True when it already passed the syncpoint. */
    public boolean hasPassed(String syncpoint) {
        return passed.contains(syncpoint);
    }

    /** The highest numbered syncpoint it reached; 0 for none. Syncing to 0 goes to this plus one. */
    public long lastNumber() {
        return lastNumber;
    }

    @Override
    public String toString() {
        return "ParticipantInfo[" + name + " " + status + (cause.isEmpty() ? "" : " (" + cause + ")") + ", passed "
                + passed.size() + ", last number " + lastNumber + "]";
    }
}
