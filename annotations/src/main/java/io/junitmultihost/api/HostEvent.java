package io.junitmultihost.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One state change of one host, as published on the run's event stream and logged at INFO.
 *
 * @param host the host's name
 * @param from the state it left; null for the first event of a reboot
 * @param to the state it entered
 * @param bootId the boot id known at the change (the old one until {@link HostState#UP}); may be null
 * @param elapsed the time since the reboot started
 * @param at when the change happened
 * @param detail what was seen, or why (for example the last probe's result); never null, may be empty
 */
public record HostEvent(String host, HostState from, HostState to, String bootId, Duration elapsed, Instant at,
        String detail) {

    /** Checks the required fields. */
    public HostEvent {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(at, "at");
        detail = detail == null ? "" : detail;
    }

    /** The state left, if any. */
    public Optional<HostState> previous() {
        return Optional.ofNullable(from);
    }

    /** The boot id known at the change, if any. */
    public Optional<String> boot() {
        return Optional.ofNullable(bootId);
    }
}
