package io.junitmultihost.api;

/** A reboot did not complete: names the host, the phase and the last thing seen. */
public class RebootException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets */
    public RebootException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public RebootException(String message, Throwable cause) {
        super(message, cause);
    }
}
