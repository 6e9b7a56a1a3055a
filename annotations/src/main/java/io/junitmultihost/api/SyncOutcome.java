package io.junitmultihost.api;

/** How a syncpoint ended, or {@link #OPEN} while participants are still arriving. */
public enum SyncOutcome {
    /** Still waiting for arrivals; only seen from {@link Sync#status(String)}. */
    OPEN,
    /** Everyone arrived; each caller's success still depends on the votes. */
    RELEASED,
    /** A participant died, left or was unreachable before everyone arrived. */
    FAILED,
    /** The inactivity wait or the deadline ran out. */
    TIMED_OUT,
    /** The class's syncs were aborted with a reason. */
    ABORTED
}
