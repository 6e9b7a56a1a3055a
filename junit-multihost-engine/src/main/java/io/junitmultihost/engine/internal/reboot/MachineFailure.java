package io.junitmultihost.engine.internal.reboot;

/** Ends a reboot state machine in FAILED; the message is the whole sentence users see. */
final class MachineFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    MachineFailure(String message) {
        super(message, null, false, false);
    }
}
