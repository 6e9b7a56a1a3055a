package io.junitmultihost.sync;

/** What a {@link SyncEvent} records. */
public enum SyncEventType {
    /** A participant joined (subject empty; detail holds the lease). */
    JOINED,
    /** A participant joined again, after a reboot or restart; it keeps the syncpoints it passed. */
    REJOINED,
    /** A participant left in good order. */
    LEFT,
    /** A participant arrived at a syncpoint (subject); detail holds the vote and whether it sent a message. */
    ARRIVED,
    /** Everyone arrived at a syncpoint (subject). */
    RELEASED,
    /** A syncpoint (subject) failed or timed out; detail holds the reason. */
    SYNC_FAILED,
    /** A participant is dead; detail holds the cause. */
    DEAD,
    /** The engine said a participant will be away on purpose (reboot, stopped JVM); detail holds why. */
    ABSENT,
    /** An expected absence ended. */
    RETURNED,
    /** A participant will never come back (start mode NEVER) and was removed from later syncpoints. */
    REMOVED,
    /** A participant wrote its cluster state (subject: the state; detail: role and address). */
    STATE,
    /** A key (subject) was set; detail holds the version. */
    KEY_SET,
    /** The run's syncs were aborted; detail holds the reason. */
    ABORTED
}
