package io.junitmultihost.sync;

import java.time.Instant;
import java.util.Objects;

/**
 * One timestamped entry of a scope's event stream: arrivals, releases, failures, deaths,
 * absences, cluster states, keys and aborts, numbered in order from 1.
 */
public final class SyncEvent {

    private final long seq;
    private final Instant time;
    private final SyncEventType type;
    private final String participant;
    private final String subject;
    private final String detail;

    /**
     * @param seq position in the stream, from 1
     * @param time when the server saw it
     * @param type what happened
     * @param participant who, or empty
     * @param subject the syncpoint, state or key it concerns, or empty
     * @param detail the vote, cause or reason, or empty
     */
    public SyncEvent(long seq, Instant time, SyncEventType type, String participant, String subject, String detail) {
        this.seq = seq;
        this.time = Objects.requireNonNull(time, "time");
        this.type = Objects.requireNonNull(type, "type");
        this.participant = participant == null ? "" : participant;
        this.subject = subject == null ? "" : subject;
        this.detail = detail == null ? "" : detail;
    }

    /** Position in the stream, from 1, without gaps. */
    public long seq() {
        return seq;
    }

    /** When the server saw it. */
    public Instant time() {
        return time;
    }

    /** What happened. */
    public SyncEventType type() {
        return type;
    }

    /** Who, or empty. */
    public String participant() {
        return participant;
    }

    /** The syncpoint, state or key it concerns, or empty. */
    public String subject() {
        return subject;
    }

    /** The vote, cause or reason, or empty. */
    public String detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SyncEvent)) {
            return false;
        }
        SyncEvent e = (SyncEvent) o;
        return seq == e.seq && time.equals(e.time) && type == e.type && participant.equals(e.participant)
                && subject.equals(e.subject) && detail.equals(e.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, time, type, participant, subject, detail);
    }

    @Override
    public String toString() {
        return seq + " " + time + " " + type + " " + participant + " " + subject + " " + detail;
    }
}
