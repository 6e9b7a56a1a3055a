package io.junitmultihost.sync;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The answer to a cluster wait: the outcome, each member's state (started, ready, finish, abort, ...) and a reason unless all is well. */
public final class ClusterResult {

    private final ClusterOutcome outcome;
    private final Map<String, String> members;
    private final String reason;

    /**
     * @param outcome how the wait ended
     * @param members each member's last written state, in name order
     * @param reason why it aborted or timed out; empty otherwise
     */
    public ClusterResult(ClusterOutcome outcome, Map<String, String> members, String reason) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        this.reason = reason == null ? "" : reason;
    }

    /** How the wait ended. */
    public ClusterOutcome outcome() {
        return outcome;
    }

    /** Each member's last written state. */
    public Map<String, String> members() {
        return members;
    }

    /** Why it aborted or timed out; empty otherwise. */
    public String reason() {
        return reason;
    }

    /**
     * Returns this when the outcome is READY or FINISH, else throws.
     *
     * @throws SyncAbortedException on ABORT
     * @throws SyncTimeoutException on TIMED_OUT
     */
    public ClusterResult orThrow() {
        switch (outcome) {
            case ABORT:
                throw new SyncAbortedException(reason, null);
            case TIMED_OUT:
                throw new SyncTimeoutException(reason);
            default:
                return this;
        }
    }

    @Override
    public String toString() {
        return "ClusterResult[" + outcome + " " + members + (reason.isEmpty() ? "" : ": " + reason) + "]";
    }
}
