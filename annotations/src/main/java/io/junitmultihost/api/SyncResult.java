package io.junitmultihost.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What one caller learns from a syncpoint: how it ended, whether it succeeded for this caller,
 * every participant's {@link SyncState}, the broadcast message if any, and, when it failed, a
 * sentence naming who and why.
 */
public final class SyncResult {

    private final String syncpoint;
    private final SyncOutcome outcome;
    private final boolean success;
    private Map<String, SyncState> states;
    private Supplier<Map<String, SyncState>> statesSource;
    private final Set<String> removed;
    private final SyncMessage message;
    private final String reason;

    /**
     * @param syncpoint the syncpoint's name, or its number as text
     * @param outcome how it ended
     * @param success true when the sync succeeded for this caller (TET: everyone arrived, and no NO vote unless the caller voted NO)
     * @param states every expected participant's state, in name order; read on first use (a thousand-party
     *     syncpoint's states are built only when someone asks)
     * @param removed participants dropped from the syncpoint because they will never come back
     * @param message the broadcast message, or null
     * @param reason a sentence on why it failed, empty on success
     */
    public SyncResult(String syncpoint, SyncOutcome outcome, boolean success, Supplier<Map<String, SyncState>> states,
                      Set<String> removed, SyncMessage message, String reason) {
        this.syncpoint = Objects.requireNonNull(syncpoint, "syncpoint");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.success = success;
        this.statesSource = Objects.requireNonNull(states, "states");
        this.removed = Collections.unmodifiableSet(new TreeSet<>(removed));
        this.message = message;
        this.reason = reason == null ? "" : reason;
    }

    /** The syncpoint's name, or its number as text (the resolved number when the caller asked for 0). */
    public String syncpoint() {
        return syncpoint;
    }

    /** How the syncpoint ended. */
    public SyncOutcome outcome() {
        return outcome;
    }

    /** True when the sync succeeded for this caller. */
    public boolean success() {
        return success;
    }

    /** Every expected participant's state, in name order; never null. */
    public synchronized Map<String, SyncState> states() {
        if (states == null) {
            states = Collections.unmodifiableMap(new LinkedHashMap<>(statesSource.get()));
            statesSource = null;
        }
        return states;
    }

    /** The participant's state, or empty when it was not expected here. */
    public Optional<SyncState> state(String participant) {
        return Optional.ofNullable(states().get(participant));
    }

    /** Participants dropped because they will never come back. */
    public Set<String> removed() {
        return removed;
    }

    /** The message one participant broadcast, if any. */
    public Optional<SyncMessage> message() {
        return Optional.ofNullable(message);
    }

    /** Why the sync failed, naming participants and their states; empty on success. */
    public String reason() {
        return reason;
    }

    /** Participants in the given state, in name order. */
    public Set<String> participantsIn(SyncState state) {
        return states().entrySet().stream().filter(e -> e.getValue() == state).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Returns this result when the sync succeeded, else throws.
     *
     * @throws SyncAbortedException when the class's syncs were aborted
     * @throws SyncFailedException when the sync failed for any other reason
     */
    public SyncResult orThrow() {
        if (success) {
            return this;
        }
        if (outcome == SyncOutcome.ABORTED) {
            throw new SyncAbortedException(reason, this, null);
        }
        throw new SyncFailedException(this);
    }

    @Override
    public String toString() {
        return "SyncResult[" + syncpoint + " " + outcome + (success ? " success" : " failure") + " " + states()
                + (reason.isEmpty() ? "" : ": " + reason) + "]";
    }
}
