package io.junitmultihost.api;

/** A remote command outlived its deadline; the remote process was ended. */
public class CommandTimeoutException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets */
    public CommandTimeoutException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public CommandTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
