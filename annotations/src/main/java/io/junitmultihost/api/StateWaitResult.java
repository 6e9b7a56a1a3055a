package io.junitmultihost.api;

import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The results of a {@link StateWatch} at one moment.
 *
 * @param hosts every host watched, in order
 * @param sequence the states awaited
 * @param reached the hosts that went through the whole sequence
 * @param failed the hosts that will not make it, with the reason (the FAILED event's detail)
 * @param lastState each host's latest state seen; hosts without any event are absent
 * @param cancelled whether the watch was cancelled
 * @param waited how long the watch has been waited on in the call that returned this
 */
public record StateWaitResult(Set<String> hosts, List<HostState> sequence, Set<String> reached,
        Map<String, String> failed, Map<String, HostState> lastState, boolean cancelled, Duration waited) {

    /** Copies the collections. */
    public StateWaitResult {
        hosts = Collections.unmodifiableSet(new LinkedHashSet<>(hosts));
        sequence = List.copyOf(sequence);
        reached = Collections.unmodifiableSet(new LinkedHashSet<>(reached));
        failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
        lastState = Collections.unmodifiableMap(new LinkedHashMap<>(lastState));
        Objects.requireNonNull(waited, "waited");
    }

    /** The hosts neither reached nor failed yet, in order. */
    public List<String> pending() {
        List<String> pending = new ArrayList<>();
        for (String host : hosts) {
            if (!reached.contains(host) && !failed.containsKey(host)) {
                pending.add(host);
            }
        }
        return pending;
    }

    /** Whether every host has reached the sequence or failed: waiting longer changes nothing. */
    public boolean complete() {
        return pending().isEmpty();
    }

    /** Whether every host went through the sequence. */
    public boolean allReached() {
        return reached.size() == hosts.size();
    }

    /**
     * Returns this when every host went through the sequence; else throws a {@link RebootException}
     * naming each host that did not, with its latest state or the reason it failed.
     */
    public StateWaitResult assertAllReached() {
        if (allReached()) {
            return this;
        }
        List<String> missing = new ArrayList<>();
        for (String host : hosts) {
            if (reached.contains(host)) {
                continue;
            }
            String why = failed.containsKey(host) ? lastState.getOrDefault(host, HostState.FAILED) + " (" + failed.get(host) + ")"
                    : "last state [" + (lastState.containsKey(host) ? lastState.get(host) : "none seen") + "]";
            missing.add(host + ": " + why);
        }
        throw new RebootException("[" + missing.size() + "] of [" + hosts.size() + "] hosts did not go through "
                + sequence + (cancelled ? " before the watch was cancelled" : " within [" + HumanDuration.of(waited) + "]") + ": "
                + String.join("; ", missing) + ".");
    }
}
