package io.junitmultihost.sync;

/** A participant's liveness as the server sees it. */
public enum ParticipantStatus {
    /** Known and not known to be gone. */
    ALIVE,
    /** Away on purpose (reboot, stopped JVM); its silence is not death and syncpoints wait for it. */
    ABSENT,
    /** Lease lapsed, connection dropped, host gone or left: syncpoints that expect it fail at once. */
    DEAD,
    /** Will never come back (start mode NEVER): removed from later syncpoints. */
    REMOVED
}
