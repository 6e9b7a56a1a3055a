package io.junitmultihost.api;

/** A host could not be reached or authenticated within its deadline, or its connection was lost. */
public class HostUnavailableException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets */
    public HostUnavailableException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public HostUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
