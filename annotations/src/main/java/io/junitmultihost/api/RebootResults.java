package io.junitmultihost.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a reboot of many hosts under a {@link Quorum} came to: every host's outcome, the hosts that
 * made it, and those the run goes on without.
 *
 * @param quorum the quorum, for the number of hosts given
 * @param outcomes every host's outcome by name, in the order the hosts were given
 * @param ready the hosts that made it, in the order given
 * @param elapsed from the start until the quorum was decided
 */
public record RebootResults(Quorum quorum, Map<String, RebootOutcome> outcomes, List<Host> ready, Duration elapsed) {

    /** Copies the collections. */
    public RebootResults {
        Objects.requireNonNull(quorum, "quorum");
        outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
        ready = List.copyOf(ready);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** The names of the hosts that did not make it, in the order given. */
    public List<String> missing() {
        return outcomes.values().stream().filter(o -> !o.isReady()).map(RebootOutcome::host).toList();
    }

    /** The outcome of host {@code name}; a {@link ConfigurationException} when it was not part of the reboot. */
    public RebootOutcome outcome(String name) {
        RebootOutcome outcome = outcomes.get(name);
        if (outcome == null) {
            throw new ConfigurationException("Host [" + name + "] was not part of this reboot; its hosts are "
                    + outcomes.keySet() + ".");
        }
        return outcome;
    }

    /** Whether every host made it. */
    public boolean allReady() {
        return ready.size() == outcomes.size();
    }
}
