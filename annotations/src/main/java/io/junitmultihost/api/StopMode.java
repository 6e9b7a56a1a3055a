package io.junitmultihost.api;

/**
 * How a remote JVM is stopped (GemFire Hydra's ClientVmMgr stop modes). The EXIT and DISCONNECT
 * modes first let the JVM finish the invocations it is running and its close tasks.
 */
public enum StopMode {
    /** {@code kill -9}: no shutdown hook, no close task, no disconnect hook. The default. */
    MEAN_KILL,
    /** {@code kill -TERM}: the JVM's shutdown hooks run; no close task, no disconnect hook. */
    NICE_KILL,
    /** Current invocations and close tasks finish, then {@code System.exit(0)} without the disconnect hook. */
    MEAN_EXIT,
    /** Current invocations and close tasks finish, then the disconnect hook runs, then {@code System.exit(0)}. */
    NICE_EXIT,
    /**
     * Current invocations and close tasks finish, then the disconnect hook runs; the JVM stays up
     * (same PID) but counts as stopped, and a later start runs its init tasks in it again.
     */
    NICE_DISCONNECT;

    /** {@link #MEAN_KILL}. */
    public static final StopMode DEFAULT = MEAN_KILL;
}
