package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.api.Quorum;

/**
 * Decides a {@link Quorum} as hosts make it: go at once at the target; once the minimum made it,
 * count down and go when the countdown ends (or nothing is pending); fail below the minimum at the
 * deadline, or as soon as too few are pending to reach it. The countdown stops should the count
 * drop below the minimum again. Not thread-safe: one waiter asks it. Internal.
 */
public final class QuorumClock {

    /** What to do now. */
    public enum Decision { WAIT, GO, FAIL }

    private final Quorum quorum;
    private final long deadlineNanos;
    private final boolean hasDeadline;
    private long countdownEnd;
    private boolean counting;

    /** @param quorum a quorum for a known number of hosts ({@link Quorum#forHosts(int)}) */
    public QuorumClock(Quorum quorum) {
        if (quorum.isAll()) {
            throw new IllegalArgumentException("Give the quorum for a number of hosts: quorum.forHosts(n).");
        }
        this.quorum = quorum;
        this.hasDeadline = quorum.deadline().isPresent();
        this.deadlineNanos = System.nanoTime() + quorum.deadline().map(d -> d.toNanos()).orElse(0L);
    }

    /** The decision with {@code made} hosts in and {@code pending} still on their way. */
    public Decision decide(int made, int pending) {
        long now = System.nanoTime();
        if (made >= quorum.target()) {
            return Decision.GO;
        }
        if (made + pending < quorum.min()) {
            return Decision.FAIL;
        }
        if (made >= quorum.min()) {
            if (!counting) {
                counting = true;
                countdownEnd = now + quorum.countdown().toNanos();
            }
            if (pending == 0 || now - countdownEnd >= 0) {
                return Decision.GO;
            }
        } else {
            counting = false;
        }
        if (hasDeadline && now - deadlineNanos >= 0) {
            return made >= quorum.min() ? Decision.GO : Decision.FAIL;
        }
        return Decision.WAIT;
    }

    /** How long until the decision may change by the clock alone (countdown end, deadline); at most {@code cap}. */
    public long nanosToNextTick(long cap) {
        long now = System.nanoTime();
        long next = cap;
        if (counting) {
            next = Math.min(next, countdownEnd - now);
        }
        if (hasDeadline) {
            next = Math.min(next, deadlineNanos - now);
        }
        return Math.max(next, 1);
    }

    /** Whether the countdown runs (the minimum made it). */
    public boolean counting() {
        return counting;
    }

    /** Whether the deadline, if any, has passed. */
    public boolean pastDeadline() {
        return hasDeadline && System.nanoTime() - deadlineNanos >= 0;
    }

    /** The quorum decided. */
    public Quorum quorum() {
        return quorum;
    }
}
