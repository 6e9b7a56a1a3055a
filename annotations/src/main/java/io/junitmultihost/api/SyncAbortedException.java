package io.junitmultihost.api;

/** The class's syncs were aborted (by a participant or the engine); the message holds the reason. */
public class SyncAbortedException extends SyncFailedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param reason the sentence given with the abort
     * @param result the result of the sync that was cut short, or null when the call was not a sync
     * @param cause the underlying failure, or null
     */
    public SyncAbortedException(String reason, SyncResult result, Throwable cause) {
        super(reason, result, cause);
    }
}
