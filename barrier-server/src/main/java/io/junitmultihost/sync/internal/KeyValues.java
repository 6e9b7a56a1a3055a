package io.junitmultihost.sync.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.junitmultihost.sync.ParticipantStatus;
import io.junitmultihost.sync.SyncEventType;

/** A scope's key-value store: set, get, compare-and-set by value, and waits on keys that wake on the set or an abort. */
final class KeyValues {

    private final Scope scope;
    private final int maxKeys;
    private final long maxBytes;
    /** Bytes of keys (UTF-8) and values held now. */
    private long bytes;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, List<KeyWait>> waits = new HashMap<>();

    static final class Entry {
        final byte[] value;
        final long version;

        Entry(byte[] value, long version) {
            this.value = value;
            this.version = version;
        }
    }

    private static final class KeyWait {
        final Waiter waiter;
        final long afterVersion;
        final byte[] expected;

        KeyWait(Waiter waiter, long afterVersion, byte[] expected) {
            this.waiter = waiter;
            this.afterVersion = afterVersion;
            this.expected = expected;
        }

        boolean satisfiedBy(Entry e) {
            return e != null && e.version > afterVersion && (expected == null || Arrays.equals(expected, e.value));
        }
    }

    KeyValues(Scope scope, int maxKeys, long maxBytes) {
        this.scope = scope;
        this.maxKeys = maxKeys;
        this.maxBytes = maxBytes;
    }

    Entry get(String key) {
        return entries.get(key);
    }

    /**
     * Sets the key; with a precondition, only if it holds (expected null and mustBeAbsent: create only).
     *
     * @return the new version
     * @throws HttpError 412 when the precondition fails, 409 when the store holds its most keys, 413 its most bytes
     */
    long set(String key, byte[] value, byte[] expected, boolean mustBeAbsent, String by) throws HttpError {
        Entry old = entries.get(key);
        if (mustBeAbsent && old != null) {
            throw new HttpError(412, "Key [" + key + "] already exists at version [" + old.version + "].");
        }
        if (expected != null && (old == null || !Arrays.equals(old.value, expected))) {
            throw new HttpError(412, old == null ? "Key [" + key + "] does not exist, so it does not hold the expected value."
                    : "Key [" + key + "] holds another value than the expected one (version [" + old.version + "]).");
        }
        if (old == null && entries.size() >= maxKeys) {
            throw new HttpError(409, "The key store of scope [" + scope.label + "] holds [" + maxKeys
                    + "] keys, its limit (SyncServerConfig maxKeys); reuse keys.");
        }
        long keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
        long after = bytes - (old == null ? 0 : keyBytes + old.value.length) + keyBytes + value.length;
        if (after > maxBytes && after > bytes) {
            throw new HttpError(413, "The key store of scope [" + scope.label + "] would hold [" + after
                    + "] bytes of keys and values, over its limit of [" + maxBytes
                    + "] bytes (SyncServerConfig maxKeyBytes); reuse keys or store less.");
        }
        bytes = after;
        Entry e = new Entry(value, old == null ? 1 : old.version + 1);
        entries.put(key, e);
        scope.events.publish(SyncEventType.KEY_SET, by, key, "version=" + e.version);
        List<KeyWait> ws = waits.get(key);
        if (ws != null) {
            for (Iterator<KeyWait> it = ws.iterator(); it.hasNext(); ) {
                KeyWait w = it.next();
                if (w.waiter.done()) {
                    it.remove();
                } else if (w.satisfiedBy(e)) {
                    it.remove();
                    w.waiter.finish(valueReply(key, e));
                }
            }
            if (ws.isEmpty()) {
                waits.remove(key);
            }
        }
        return e.version;
    }

    static Reply valueReply(String key, Entry e) {
        return Reply.raw(200, Reply.BINARY, Map.of("X-MH-Version", Long.toString(e.version)), e.value);
    }

    /** Answers at once when the key already satisfies the wait, else holds the request until it does, the deadline, or an abort. */
    void await(Connection c, String key, long afterVersion, byte[] expected, long timeoutNanos, Participant p) {
        KeyWait probe = new KeyWait(null, afterVersion, expected);
        Entry e = entries.get(key);
        if (probe.satisfiedBy(e)) {
            c.respond(valueReply(key, e));
            return;
        }
        if (scope.aborted()) {
            c.respond(Reply.aborted(scope.abortSentence()));
            return;
        }
        Waiter w = new Waiter(c, p == null ? null : p.name, why -> {
            if (p != null && p.status == ParticipantStatus.ALIVE) {
                scope.participants.markDead(p, "its connection dropped while it waited for key [" + key + "] (" + why + ")", false);
            }
        });
        KeyWait kw = new KeyWait(w, afterVersion, expected);
        waits.computeIfAbsent(key, k -> new ArrayList<>()).add(kw);
        java.time.Duration timeout = java.time.Duration.ofNanos(timeoutNanos);
        w.deadline(scope.loop, scope.loop.now() + timeoutNanos, () -> {
            List<KeyWait> ws = waits.get(key);
            if (ws != null && ws.remove(kw) && ws.isEmpty()) {
                waits.remove(key);
            }
            w.finish(Reply.error(408, "Key [" + key + "] was not set" + (expected == null ? "" : " to the expected value")
                    + " within [" + HumanDuration.of(timeout) + "]."));
        });
    }

    void abortAll() {
        for (List<KeyWait> ws : waits.values()) {
            for (KeyWait w : ws) {
                w.waiter.finish(Reply.aborted(scope.abortSentence()));
            }
        }
        waits.clear();
    }
}
