package io.junitmultihost.sync;

/** The root of the sync module's exceptions. Messages are sentences with values in brackets that say what to do. */
public class SyncException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets */
    public SyncException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
