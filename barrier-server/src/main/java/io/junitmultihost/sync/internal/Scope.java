package io.junitmultihost.sync.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.junitmultihost.sync.ParticipantInfo;
import io.junitmultihost.sync.SyncEvent;
import io.junitmultihost.sync.SyncEventType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One isolated set of syncpoints, participants, cluster state, keys and events, reached with its
 * own token. The engine may give each test its own scope, so that names and an abort stay inside
 * the test. The public methods are for the engine; they hop onto the loop thread and wait at most
 * the given time.
 */
public final class Scope {

    private static final Logger LOG = LoggerFactory.getLogger(Scope.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    /** Separates a participant token's public id from its secret; scope tokens (URL-safe Base64) never hold it. */
    static final char PARTICIPANT_TOKEN_MARK = '.';

    final String label;
    /** The scope's own token: speaks for every participant. */
    final Credential whole;
    /** Participant tokens by their public id (looked up by id, then compared in constant time). */
    private final Map<String, Credential> issued = new ConcurrentHashMap<>();
    private final Map<String, String> tokensByParticipant = new ConcurrentHashMap<>();
    /** Names only the scope's own token and the name's own participant token may speak for. */
    private final Set<String> reserved = ConcurrentHashMap.newKeySet();
    final ServerLoop loop;
    final ServerLimits limits;
    final EventLog events;
    final Participants participants;
    final SyncPoints syncPoints;
    final Cluster cluster;
    final KeyValues keyValues;
    private String abortReason;
    private String abortedBy;

    Scope(String label, String token, ServerLoop loop, ServerLimits limits, EventLog events) {
        this.label = label;
        this.whole = new Credential(this, null, token.getBytes(StandardCharsets.UTF_8));
        this.loop = loop;
        this.limits = limits;
        this.events = events;
        this.participants = new Participants(this);
        this.syncPoints = new SyncPoints(this);
        this.cluster = new Cluster(this);
        this.keyValues = new KeyValues(this, limits.maxKeys, limits.maxKeyBytes);
    }

    /** The participant token with this public id, or null. */
    Credential issued(String id) {
        return issued.get(id);
    }

    /**
     * A token that speaks for this participant only (and for names the scope did not reserve): what
     * the engine hands a host. The participant's name is reserved. The same participant gets the
     * same token.
     */
    public String participantToken(String participant, Supplier<String> random) {
        Names.participant(participant);
        reserved.add(participant);
        return tokensByParticipant.computeIfAbsent(participant, p -> {
            String id = random.get().substring(0, 12);
            String secret = random.get();
            issued.put(id, new Credential(this, p, secret.getBytes(StandardCharsets.UTF_8)));
            return id + PARTICIPANT_TOKEN_MARK + secret;
        });
    }

    /** Only the scope's own token and the participant's own token may speak for this name from now on. */
    public void reserve(String participant) {
        reserved.add(Names.participant(participant));
    }

    boolean reserved(String participant) {
        return reserved.contains(participant);
    }

    /** The scope's label, for logs. */
    public String label() {
        return label;
    }

    boolean aborted() {
        return abortReason != null;
    }

    String abortSentence() {
        return "Syncs were aborted by [" + abortedBy + "]: " + abortReason;
    }

    void abortNow(String by, String reason) {
        abortNow(by, reason, true);
    }

    /** @param notable false when the abort is the scope's ordinary end, logged at DEBUG only */
    void abortNow(String by, String reason, boolean notable) {
        if (abortReason != null) {
            return;
        }
        abortedBy = by;
        abortReason = reason;
        if (notable) {
            LOG.info("Syncs of scope [{}] aborted by [{}]: {}", label, by, reason);
        } else {
            LOG.debug("Syncs of scope [{}] aborted by [{}]: {}", label, by, reason);
        }
        events.publish(SyncEventType.ABORTED, by, "", reason);
        syncPoints.abortAll();
        cluster.reevaluate();
        keyValues.abortAll();
    }

    void participantGone(Participant p) {
        syncPoints.participantGone(p);
        cluster.memberDied(p);
    }

    void participantRemoved(Participant p) {
        syncPoints.participantRemoved(p);
        cluster.reevaluate();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        return loop.call(task, CALL_TIMEOUT);
    }

    /** Aborts every sync of the scope: everyone blocked returns at once with the reason; later blocking calls too. */
    public void abort(String by, String reason) {
        onLoop(() -> {
            abortNow(by, reason);
            return null;
        });
    }

    /** The participant will be away on purpose (reboot, stopped JVM): silence and dropped connections are not death. */
    public void expectAbsence(String participant, String reason) {
        Names.participant(participant);
        onLoop(() -> {
            participants.expectAbsence(participant, reason);
            return null;
        });
    }

    /** The participant is back; its lease counts again. */
    public void endAbsence(String participant) {
        onLoop(() -> {
            participants.endAbsence(participant);
            return null;
        });
    }

    /** The participant will never come back (start mode NEVER): removed from open and later syncpoints and the cluster. */
    public void remove(String participant, String reason) {
        Names.participant(participant);
        onLoop(() -> {
            participants.remove(participant, reason);
            return null;
        });
    }

    /**
     * The engine knows the participant's host is gone: dead at once, even when absent on purpose;
     * later syncpoints that list it fail at once until it joins again or is expected back.
     */
    public void declareDead(String participant, String cause) {
        Names.participant(participant);
        onLoop(() -> {
            participants.declareGone(participants.getOrCreate(participant), cause);
            return null;
        });
    }

    /** Sets the cluster members for wait_ready and wait_finish. */
    public void defineCluster(Collection<String> members) {
        onLoop(() -> {
            try {
                cluster.define(members);
            } catch (HttpError e) {
                throw new IllegalStateException(e.getMessage());
            }
            return null;
        });
    }

    /** Sets the members that waits naming none wait for, unless someone defines the members. */
    public void defaultCluster(Collection<String> members) {
        onLoop(() -> {
            cluster.defineDefault(members);
            return null;
        });
    }

    /** Writes the participant's role and address into the cluster state, leaving its state word as it is. */
    public void describe(String participant, String role, String address) {
        Names.participant(participant);
        onLoop(() -> {
            cluster.writeState(participants.getOrCreate(participant), null, role, address);
            return null;
        });
    }

    /** The participant's record, or null when it is not known. */
    public ParticipantInfo participant(String name) {
        return onLoop(() -> {
            Participant p = participants.get(name);
            return p == null ? null : participants.info(p, false);
        });
    }

    /** Role to addresses, as roles_ip exports them. */
    public Map<String, List<String>> roles() {
        return onLoop(cluster::roles);
    }

    /** The events still held after the given sequence number. */
    public List<SyncEvent> events(long after) {
        return onLoop(() -> new ArrayList<>(events.after(after, Integer.MAX_VALUE)));
    }

    /** Subscribes a listener; it first gets the held events after the given one, then each new one, on the server's event thread. */
    public AutoCloseable subscribe(long after, Consumer<SyncEvent> listener) {
        EventLog.Subscriber s = onLoop(() -> events.subscribe(after, listener));
        return () -> {
            s.closed = true;
            if (loop.inLoop()) {
                events.unsubscribe(s);
            } else {
                loop.execute(() -> events.unsubscribe(s));
            }
        };
    }
}
