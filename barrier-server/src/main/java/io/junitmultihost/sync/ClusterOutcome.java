package io.junitmultihost.sync;

/** What lkp's wait_ready / wait_finish return. */
public enum ClusterOutcome {
    /** Every cluster member is ready (or already finished). */
    READY,
    /** Every cluster member finished. */
    FINISH,
    /** A member aborted, failed or died, or the run's syncs were aborted; returned as soon as it happens. */
    ABORT,
    /** The wait ran out of time; the result names who was missing. */
    TIMED_OUT
}
