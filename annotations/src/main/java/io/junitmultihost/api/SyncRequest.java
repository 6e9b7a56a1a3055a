package io.junitmultihost.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A sync to a syncpoint, as TETware's tet_remsync takes it: the syncpoint (a name, a number, or
 * {@link #next()}), the other participants, a vote, an optional message to broadcast, the
 * overall deadline and the inactivity wait. Immutable; each setter returns a new one. Names are
 * checked by the sync server's rules when the request is sent ({@link ConfigurationException}
 * naming the value).
 *
 * <pre>{@code
 * SyncResult r = sync.sync(SyncRequest.to("db-up").with("app1", "app2").timeout(Duration.ofSeconds(30)));
 * }</pre>
 */
public final class SyncRequest {

    /** The deadline when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String syncpoint;
    private final List<String> participants;
    private final Vote vote;
    private final byte[] message;
    private final Duration timeout;
    private final Duration inactivity;

    private SyncRequest(String syncpoint, List<String> participants, Vote vote, byte[] message, Duration timeout,
                        Duration inactivity) {
        this.syncpoint = syncpoint;
        this.participants = participants;
        this.vote = vote;
        this.message = message;
        this.timeout = timeout;
        this.inactivity = inactivity;
    }

    /** A sync to a named syncpoint, or a numbered one given as digits ("0" is the next one). */
    public static SyncRequest to(String syncpoint) {
        return new SyncRequest(Objects.requireNonNull(syncpoint, "syncpoint"), List.of(), Vote.YES, new byte[0],
                DEFAULT_TIMEOUT, null);
    }

    /** A sync to a numbered syncpoint (TET syncptno); must be positive. */
    public static SyncRequest number(long number) {
        if (number <= 0) {
            throw new ConfigurationException("Syncpoint number [" + number + "] must be positive; use next() for the next one.");
        }
        return to(Long.toString(number));
    }

    /** A sync to the caller's next numbered syncpoint (TET syncptno 0). */
    public static SyncRequest next() {
        return to("0");
    }

    /** The other participants that must meet there (the caller may be listed too; it is ignored, as in TET). */
    public SyncRequest with(Collection<String> participants) {
        return new SyncRequest(syncpoint, List.copyOf(participants), vote, message, timeout, inactivity);
    }

    /** @see #with(Collection) */
    public SyncRequest with(String... participants) {
        return with(Arrays.asList(participants));
    }

    /** The vote; YES unless told. */
    public SyncRequest vote(Vote vote) {
        return new SyncRequest(syncpoint, participants, Objects.requireNonNull(vote, "vote"), message, timeout, inactivity);
    }

    /** A message to broadcast to the others (one sender per syncpoint; over {@link SyncMessage#MAX_BYTES} it is truncated). */
    public SyncRequest message(byte[] message) {
        return new SyncRequest(syncpoint, participants, vote, message.clone(), timeout, inactivity);
    }

    /** @see #message(byte[]) */
    public SyncRequest message(String message) {
        return message(message.getBytes(StandardCharsets.UTF_8));
    }

    /** The overall deadline: the syncpoint times out when it passes. */
    public SyncRequest timeout(Duration timeout) {
        requirePositive(timeout, "timeout");
        return new SyncRequest(syncpoint, participants, vote, message, timeout, inactivity);
    }

    /** TET's waittime: the syncpoint times out when nobody arrives for this long. */
    public SyncRequest inactivity(Duration inactivity) {
        requirePositive(inactivity, "inactivity wait");
        return new SyncRequest(syncpoint, participants, vote, message, timeout, inactivity);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigurationException("The sync's " + what + " [" + d + "] must be positive.");
        }
    }

    /** The syncpoint's name or number as text. */
    public String syncpoint() {
        return syncpoint;
    }

    /** The participants listed. */
    public List<String> participants() {
        return participants;
    }

    /** The vote. */
    public Vote vote() {
        return vote;
    }

    /** The message, a copy; empty for none. */
    public byte[] message() {
        return message.clone();
    }

    /** The overall deadline. */
    public Duration timeout() {
        return timeout;
    }

    /** The inactivity wait, or null when only the deadline applies. */
    public Duration inactivity() {
        return inactivity;
    }

    @Override
    public String toString() {
        return "SyncRequest[" + syncpoint + " with " + participants + " vote " + vote + ", timeout " + timeout
                + (inactivity == null ? "" : ", inactivity " + inactivity) + (message.length == 0 ? "" : ", message " + message.length + "B") + "]";
    }
}
