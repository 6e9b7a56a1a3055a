package io.junitmultihost.api;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A subscription made by {@link StateWait#watch}: records every state change of its hosts from
 * the moment it was made, and says which hosts went through the awaited sequence. Thread-safe;
 * close (or {@link #cancel()}) it when done.
 */
public interface StateWatch extends AutoCloseable {

    /** The hosts watched, by name. */
    Set<String> hosts();

    /** The states awaited, in order. */
    List<HostState> sequence();

    /**
     * Waits until every host has gone through the sequence or failed, the watch is cancelled, or
     * {@code wait} has passed, and returns the results so far. Never throws for a timeout: call it
     * again to go on waiting (Emulab's "return periodically with the results so far").
     */
    StateWaitResult await(Duration wait);

    /**
     * Waits as {@link #await(Duration)} does up to {@code deadline}, handing the results so far to
     * {@code progress} every {@code every} in the meantime (on the waiting thread).
     */
    StateWaitResult await(Duration deadline, Duration every, Consumer<StateWaitResult> progress);

    /** The results now, without waiting. */
    StateWaitResult results();

    /** Every event of the watched hosts seen since the watch was made, in order. */
    List<HostEvent> events();

    /** Ends the subscription; a thread in {@link #await} returns at once with {@code cancelled} set. */
    void cancel();

    /** Same as {@link #cancel()}. */
    @Override
    default void close() {
        cancel();
    }
}
