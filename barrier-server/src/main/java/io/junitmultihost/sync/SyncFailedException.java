package io.junitmultihost.sync;

/** A sync that did not succeed for the caller: the result names every participant's state and the reason. */
public class SyncFailedException extends SyncException {

    private static final long serialVersionUID = 1L;

    private final transient SyncResult result;

    /** @param result the failed result, never null */
    public SyncFailedException(SyncResult result) {
        super(result.reason().isEmpty() ? "Sync to [" + result.syncpoint() + "] failed with states " + result.states() + "."
                : result.reason());
        this.result = result;
    }

    SyncFailedException(String message, SyncResult result) {
        super(message);
        this.result = result;
    }

    /** The result, with every participant's state; null only after deserialisation. */
    public SyncResult result() {
        return result;
    }
}
