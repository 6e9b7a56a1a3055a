package io.junitmultihost.api;

import java.util.Optional;

/**
 * A sync that did not succeed for the caller, or a call to the run's sync server that failed (a
 * wait that ran out, a syncpoint that already happened, a server that did not answer). The
 * message names each participant's state or what the server said.
 */
public class SyncFailedException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    private final transient SyncResult result;

    /** @param result the failed result, never null; its reason (or its states) is the message */
    public SyncFailedException(SyncResult result) {
        this(result.reason().isEmpty() ? "Sync to [" + result.syncpoint() + "] failed with states " + result.states() + "."
                : result.reason(), result, null);
    }

    /**
     * @param message what went wrong, with values in brackets
     * @param result the result of the syncpoint, or null when the failed call was not a sync
     * @param cause the underlying failure, or null
     */
    public SyncFailedException(String message, SyncResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    /** The result, with every participant's state; empty when the failed call was not a sync (or after deserialisation). */
    public Optional<SyncResult> result() {
        return Optional.ofNullable(result);
    }
}
