package io.junitmultihost.sync;

/** A participant's liveness as the server sees it. */
public enum ParticipantStatus {
    /** Known and not known to be gone. */
    ALIVE,
    /** Away on purpose (reboot, stopped JVM); its silence is not death and syncpoints wait for it. */
    ABSENT,
    /**
     * Lease lapsed, connection dropped, left, or host gone: the syncpoints that expected it then
     * failed at once. The next call of a new process of it (a sync, a cluster state) makes it
     * {@link #ALIVE} again, unless the engine declared its host gone: then it must join again.
     */
    DEAD,
    /** Will never come back (start mode NEVER): removed from later syncpoints. */
    REMOVED
}
