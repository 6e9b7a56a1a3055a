package io.junitmultihost.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one host's reboot ended (or stands, when asked before its end).
 *
 * @param host the host's name
 * @param state its state: {@link HostState#READY} when it made it
 * @param oldBootId the boot id before the reboot; null when it could not be read
 * @param bootId the boot id it came back with; null when it did not
 * @param attempts how many reboots were asked for (more than 1 after a wrong kernel or magic)
 * @param bootsSeen how many new boots were seen (more than {@code attempts} when it rebooted again by itself)
 * @param elapsed from the start of the reboot until this outcome
 * @param lastSeen the last thing seen of the host: the reason when it failed; never null
 */
public record RebootOutcome(String host, HostState state, String oldBootId, String bootId, int attempts,
        int bootsSeen, Duration elapsed, String lastSeen) {

    /** Checks the required fields. */
    public RebootOutcome {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(elapsed, "elapsed");
        lastSeen = lastSeen == null ? "" : lastSeen;
    }

    /** Whether the host made it ({@link HostState#READY}). */
    public boolean isReady() {
        return state == HostState.READY;
    }

    /** The new boot id, when the host came back. */
    public Optional<String> newBootId() {
        return Optional.ofNullable(bootId);
    }

    /** {@code host-3: FAILED (did not come back within [PT10S]; last seen [...])}, for messages. */
    public String describe() {
        return host + ": " + state + (lastSeen.isEmpty() ? "" : " (" + lastSeen + ")");
    }
}
