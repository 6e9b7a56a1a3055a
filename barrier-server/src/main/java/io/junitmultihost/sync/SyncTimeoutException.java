package io.junitmultihost.sync;

/** A wait on the sync server (a key, the cluster, or the server itself) ran out of time. */
public class SyncTimeoutException extends SyncException {

    private static final long serialVersionUID = 1L;

    /** @param message what was waited for, how long, and what to check */
    public SyncTimeoutException(String message) {
        super(message);
    }

    /** @param message what was waited for; @param cause the underlying failure */
    public SyncTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
