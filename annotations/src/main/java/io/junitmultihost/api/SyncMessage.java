package io.junitmultihost.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The small message one participant broadcast at a syncpoint (TETware tet_synmsg), with the
 * flags TET sets: whether this caller sent or received it, whether more than one participant
 * tried to send, and whether it was cut to {@link #MAX_BYTES}.
 */
public final class SyncMessage {

    /** The most a message carries (TETware TET_SMMSGMAX); longer ones are truncated and flagged. */
    public static final int MAX_BYTES = 1024;

    private final byte[] data;
    private final String sender;
    private final boolean sent;
    private final boolean duplicateSenders;
    private final boolean truncated;

    /**
     * @param data the bytes, at most {@link #MAX_BYTES}
     * @param sender the participant whose message this is
     * @param sent true for the sender's own result
     * @param duplicateSenders true when more than one participant sent a message (the first one wins)
     * @param truncated true when the sender's message was longer than {@link #MAX_BYTES}
     */
    public SyncMessage(byte[] data, String sender, boolean sent, boolean duplicateSenders, boolean truncated) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("A sync message holds at most [" + MAX_BYTES + "] bytes, not [" + data.length + "].");
        }
        this.data = data.clone();
        this.sender = Objects.requireNonNull(sender, "sender");
        this.sent = sent;
        this.duplicateSenders = duplicateSenders;
        this.truncated = truncated;
    }

    /** The bytes, a copy. */
    public byte[] data() {
        return data.clone();
    }

    /** The bytes read as UTF-8. */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Who sent it. */
    public String sender() {
        return sender;
    }

    /** True in the sender's own result (TET_SMSNDMSG). */
    public boolean sent() {
        return sent;
    }

    /** True in the others' results (TET_SMRCVMSG). */
    public boolean received() {
        return !sent;
    }

    /** True when more than one participant sent a message; the first one is kept (TET_SMDUP). */
    public boolean duplicateSenders() {
        return duplicateSenders;
    }

    /** True when the message was longer than {@link #MAX_BYTES} and was cut (TET_SMTRUNC). */
    public boolean truncated() {
        return truncated;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SyncMessage)) {
            return false;
        }
        SyncMessage m = (SyncMessage) o;
        return Arrays.equals(data, m.data) && sender.equals(m.sender) && sent == m.sent
                && duplicateSenders == m.duplicateSenders && truncated == m.truncated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(data), sender, sent, duplicateSenders, truncated);
    }

    @Override
    public String toString() {
        return "SyncMessage[sender=" + sender + ", bytes=" + data.length + (sent ? ", sent" : ", received")
                + (duplicateSenders ? ", duplicate senders" : "") + (truncated ? ", truncated" : "") + "]";
    }
}
