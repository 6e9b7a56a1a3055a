package io.junitmultihost.sync.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.junitmultihost.sync.SyncOutcome;
import io.junitmultihost.sync.SyncState;

/** One syncpoint: who must meet there, who arrived with which vote, the message, the timers, and how it ended. */
final class SyncPoint {

    final String name;
    String rawWith = "";
    final Set<String> expected;
    final Set<String> removed = new TreeSet<>();
    final Map<String, Arrival> arrivals = new LinkedHashMap<>();
    SyncOutcome outcome = SyncOutcome.OPEN;
    String reason = "";
    Map<String, SyncState> finalStates;

    long lastArrival;
    Duration inactivity;
    long inactivityNanos = Long.MAX_VALUE;
    Duration timeout;
    long deadline;
    boolean hasDeadline;
    Timer timer;
    boolean releasePending;

    byte[] message;
    String sender;
    boolean duplicateSenders;
    boolean truncated;

    SyncPoint(String name, Set<String> expected) {
        this.name = name;
        this.expected = new TreeSet<>(expected);
    }

    boolean allArrived() {
        return arrivals.keySet().containsAll(expected);
    }
}
