package io.junitmultihost.api;

/** The root of junit-multihost's exceptions. Messages are sentences with values in brackets. */
public class MultiHostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets, and what to do */
    public MultiHostException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public MultiHostException(String message, Throwable cause) {
        super(message, cause);
    }
}
