package io.junitmultihost.sync.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.junitmultihost.sync.ParticipantStatus;

/** The server's record of one participant; it outlives the participant's connections and reboots. */
final class Participant {

    final String name;
    ParticipantStatus status = ParticipantStatus.ALIVE;
    String cause = "";
    /**
     * Dead by the engine's word (its host is gone), not by the end of one of its processes: later
     * syncpoints that list it fail at once, and it takes part again only by joining.
     */
    boolean hostGone;
    long leaseNanos;
    long lastSeen;
    Instant lastSeenAt = Instant.now();
    Timer leaseTimer;
    final List<String> passed = new ArrayList<>();
    final Set<String> passedSet = new HashSet<>();
    long lastNumber;
    String clusterState = "";
    String role = "";
    String address = "";

    Participant(String name, long now) {
        this.name = name;
        this.lastSeen = now;
    }

    void pass(String syncpoint) {
        if (passedSet.add(syncpoint)) {
            passed.add(syncpoint);
        }
    }
}
