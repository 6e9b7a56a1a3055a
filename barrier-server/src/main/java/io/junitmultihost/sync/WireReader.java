package io.junitmultihost.sync;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.junitmultihost.sync.internal.Durations;
import io.junitmultihost.sync.internal.WireFormat;

/** Reads the server's {@code key=value} answers into the API's value types. */
final class WireReader {

    private WireReader() {
    }

    static String text(byte[] value) {
        return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }

    /** Reads a result whose states name each participant. */
    static SyncResult syncResult(Map<String, byte[]> f) {
        return syncResult(f, List::of);
    }

    /**
     * Reads a sync result.
     *
     * @param everyone the participants the caller listed plus itself: what "*" stands for; asked
     *                 only when someone reads the states, so a released party does not copy a thousand names
     */
    static SyncResult syncResult(Map<String, byte[]> f, Supplier<? extends Collection<String>> everyone) {
        Map<String, byte[]> groups = new TreeMap<>();
        f.forEach((k, v) -> {
            if (k.startsWith("states.")) {
                groups.put(k.substring(7), v);
            }
        });
        Set<String> removed = new HashSet<>();
        if (f.containsKey("removed")) {
            removed.addAll(Arrays.asList(text(f.get("removed")).split(",")));
        }
        SyncMessage message = null;
        if (f.containsKey("message.sender")) {
            String flags = text(f.get("message.flags"));
            message = new SyncMessage(f.getOrDefault("message", new byte[0]), text(f.get("message.sender")),
                    flags.startsWith("sent"), flags.contains("duplicate"), flags.contains("truncated"));
        }
        SyncOutcome outcome = SyncOutcome.valueOf(text(f.get("result")).toUpperCase(Locale.ROOT).replace('-', '_'));
        return new SyncResult(text(f.get("syncpoint")), outcome, Boolean.parseBoolean(text(f.get("success"))),
                () -> states(groups, everyone.get(), removed), removed, message, text(f.get("reason")));
    }

    private static Map<String, SyncState> states(Map<String, byte[]> groups, Collection<String> everyone, Set<String> removed) {
        Map<String, SyncState> states = new TreeMap<>();
        groups.forEach((state, names) -> {
            SyncState s = SyncState.valueOf(state);
            String list = text(names);
            if (list.equals("*")) {
                everyone.stream().filter(n -> !removed.contains(n)).forEach(n -> states.put(n, s));
                return;
            }
            for (String n : list.split(",")) {
                if (!n.isEmpty()) {
                    states.put(n, s);
                }
            }
        });
        return states;
    }

    static ClusterResult clusterResult(Map<String, byte[]> f) {
        String state = text(f.get("state"));
        ClusterOutcome outcome = state.equals("timeout") ? ClusterOutcome.TIMED_OUT
                : ClusterOutcome.valueOf(state.toUpperCase(Locale.ROOT));
        Map<String, String> members = new TreeMap<>();
        f.forEach((k, v) -> {
            if (k.startsWith("member.")) {
                members.put(k.substring(7), text(v));
            }
        });
        return new ClusterResult(outcome, members, text(f.get("reason")));
    }

    static ParticipantInfo participantInfo(Map<String, byte[]> f) {
        String passed = text(f.get("passed"));
        return new ParticipantInfo(text(f.get("participant")), ParticipantStatus.valueOf(text(f.get("status"))),
                text(f.get("cause")), Boolean.parseBoolean(text(f.get("rejoined"))), Durations.parse(text(f.get("lease"))),
                passed.isEmpty() ? List.of() : Arrays.asList(passed.split(",")), Long.parseLong(text(f.get("last-number"))));
    }

    static List<SyncEvent> events(byte[] body) {
        List<SyncEvent> events = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            events.add(new SyncEvent(Long.parseLong(f[0]), Instant.parse(f[1]), SyncEventType.valueOf(f[2]),
                    unescape(f[3]), unescape(f[4]), unescape(f[5])));
        }
        return events;
    }

    private static String unescape(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new String(WireFormat.unescape(b, 0, b.length), StandardCharsets.UTF_8);
    }
}
