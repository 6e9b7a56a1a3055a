package io.junitmultihost.engine.internal.reboot;

/** Ends a reboot state machine in FAILED; the message is the whole sentence users see. */
final class MachineFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean refusedByHost;

    MachineFailure(String message) {
        this(message, false);
    }

    private MachineFailure(String message, boolean refusedByHost) {
        super(message, null, false, false);
        this.refusedByHost = refusedByHost;
    }

    /** A failure the host answered with (a reboot command that failed at once): nothing went down. */
    static MachineFailure refusedByHost(String message) {
        return new MachineFailure(message, true);
    }

    /** Whether the host answered and refused: then its console tells nothing of this reboot. */
    boolean refusedByHost() {
        return refusedByHost;
    }
}
