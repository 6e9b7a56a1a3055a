package io.junitmultihost.sync;

/**
 * The server refused a call: a syncpoint that already happened, a participant listed twice, a
 * dead or removed participant, a bad argument, a wrong token. The HTTP status says which kind.
 */
public class SyncRejectedException extends SyncException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /** @param status the HTTP status; @param message the server's sentence */
    public SyncRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status: 400 bad argument, 401 token, 404 unknown, 409 conflict with the state, 412 compare-and-set lost. */
    public int status() {
        return status;
    }
}
