package io.junitmultihost.sync.internal;

/** A request the server refuses: the HTTP status and a sentence for the caller. No stack trace: it is a normal outcome. */
final class HttpError extends Exception {

    private static final long serialVersionUID = 1L;

    final int status;
    /** True when the connection cannot be reused afterwards (the rest of the stream is not trusted). */
    final boolean closeConnection;

    HttpError(int status, String message) {
        this(status, message, false);
    }

    HttpError(int status, String message, boolean closeConnection) {
        super(message, null, false, false);
        this.status = status;
        this.closeConnection = closeConnection;
    }
}
