package io.junitmultihost.api;

/**
 * Where a host is in a reboot, as its state machine sees it. The usual path is
 * {@code PREPARING -> REQUESTED -> DOWN -> UP -> VERIFIED -> READY}; a host that comes back on the
 * wrong kernel or without the boot's magic goes back to {@code PREPARING} (or {@code REQUESTED}
 * when there is nothing to prepare), and one that reboots again while it should stay up goes back
 * to {@code DOWN}. {@code FAILED} and {@code CANCELLED} end a reboot for good.
 *
 * <p>In Emulab's terms (stated): {@link #DOWN} is SHUTDOWN, {@link #READY} is ISUP and
 * {@link #FAILED} is TBFAILED.
 */
public enum HostState {

    /** The old boot id is read and checked; the prepare steps run (kernel, boot entry, magic). */
    PREPARING,

    /** The reboot was asked for (or is expected); the host has not been seen going down yet. */
    REQUESTED,

    /** The host went down: the session waiting on the old boot was cut, or connections fail. */
    DOWN,

    /** The host answers with a new, well-formed boot id, read over a fresh connection. */
    UP,

    /** The running kernel release and the boot's magic were found as asked. */
    VERIFIED,

    /** The reboot is complete; the host is usable. */
    READY,

    /** The host will not make it: a phase outlived its deadline, a step failed, or retries ran out. */
    FAILED,

    /** The reboot was cancelled, by the caller or by a quorum that went on without the host. */
    CANCELLED,

    /**
     * Outside any reboot: the host's power was cut through {@link Host#power()} (Emulab's
     * POWEROFF). Powering it on again publishes {@link #READY} once it answers.
     */
    POWERED_OFF,

    /**
     * Outside any reboot: the host answered with a new boot id that nothing of the engine asked
     * for. It crashed, was reset, or rebooted by itself.
     */
    REBOOTED;

    /** Whether the reboot ends in this state ({@link #READY}, {@link #FAILED}, {@link #CANCELLED}). */
    public boolean isFinal() {
        return this == READY || this == FAILED || this == CANCELLED;
    }
}
