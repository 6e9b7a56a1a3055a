package io.junitmultihost.api;

/**
 * A {@link HostProcess} ended without an exit status: its host rebooted, or the connection it was
 * attached to was lost. {@link #end()} says which, with the boot ids.
 */
public class ProcessLostException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    private final transient ProcessEnd end;

    /** @param message what went wrong, with values in brackets; @param end how the process ended */
    public ProcessLostException(String message, ProcessEnd end) {
        super(message);
        this.end = end;
    }

    /** How the process ended. */
    public ProcessEnd end() {
        return end;
    }
}
