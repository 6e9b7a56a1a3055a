package io.junitmultihost.sync.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import io.junitmultihost.sync.ClusterOutcome;
import io.junitmultihost.sync.ClusterResult;
import io.junitmultihost.sync.ParticipantInfo;
import io.junitmultihost.sync.SyncEvent;
import io.junitmultihost.sync.SyncOutcome;

/** Writes the API's results as {@code key=value} lines; the client reads them back. Internal. */
public final class Wire {

    private Wire() {
    }

    /** The word used on the wire for an outcome: released, failed, timed-out, aborted, open. */
    public static String word(SyncOutcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Writes a cluster wait result. */
    public static WireFormat.Lines lines(ClusterResult r) {
        WireFormat.Lines l = new WireFormat.Lines().add("state", r.outcome() == ClusterOutcome.TIMED_OUT ? "timeout"
                : r.outcome().name().toLowerCase(Locale.ROOT));
        r.members().forEach((m, s) -> l.add("member." + m, s));
        if (!r.reason().isEmpty()) {
            l.add("reason", r.reason());
        }
        return l;
    }

    /** Writes a participant's record. */
    public static WireFormat.Lines lines(ParticipantInfo p) {
        return new WireFormat.Lines()
                .add("participant", p.name())
                .add("status", p.status().name())
                .add("cause", p.cause())
                .add("rejoined", String.valueOf(p.rejoined()))
                .add("lease", Durations.format(p.lease()))
                .add("passed", String.join(",", p.passed()))
                .add("last-number", String.valueOf(p.lastNumber()));
    }

    /** Writes events, one per line: seq, time, type, participant, subject, detail separated by tabs. */
    public static byte[] events(List<SyncEvent> events) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * events.size() + 16);
        for (SyncEvent e : events) {
            field(out, Long.toString(e.seq()), '\t');
            field(out, e.time().toString(), '\t');
            field(out, e.type().name(), '\t');
            field(out, e.participant(), '\t');
            field(out, e.subject(), '\t');
            field(out, e.detail(), '\n');
        }
        return out.toByteArray();
    }

    private static void field(java.io.ByteArrayOutputStream out, String value, char end) {
        WireFormat.escapeInto(value.getBytes(StandardCharsets.UTF_8), out);
        out.write(end);
    }
}
