package io.junitmultihost.sync.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import io.junitmultihost.sync.ParticipantInfo;
import io.junitmultihost.sync.ParticipantStatus;
import io.junitmultihost.sync.SyncEventType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness of a scope's participants: leases renewed by any call, death on a lapsed lease, a
 * dropped connection or the engine's word, expected absences that are not death, and removal
 * for participants that never come back.
 */
final class Participants {

    private static final Logger LOG = LoggerFactory.getLogger(Participants.class);

    private final Scope scope;
    private final Map<String, Participant> byName = new HashMap<>();

    Participants(Scope scope) {
        this.scope = scope;
    }

    Participant get(String name) {
        return byName.get(name);
    }

    /** Every participant, in name order (a copy: for the rare listings, not the hot paths). */
    Map<String, Participant> all() {
        return new TreeMap<>(byName);
    }

    /** The participant, created alive without a lease on first use (shell callers need no join). */
    Participant getOrCreate(String name) {
        return byName.computeIfAbsent(name, n -> new Participant(n, scope.loop.now()));
    }

    ParticipantInfo join(String name, Duration lease) throws HttpError {
        Participant p = byName.get(name);
        boolean rejoined = p != null;
        if (p == null) {
            p = getOrCreate(name);
        } else if (p.status == ParticipantStatus.REMOVED) {
            throw new HttpError(409, "Participant [" + name + "] was removed from the run (" + p.cause
                    + ") and cannot join again; use another name.");
        }
        ParticipantStatus before = p.status;
        p.status = ParticipantStatus.ALIVE;
        p.cause = "";
        p.hostGone = false;
        p.leaseNanos = lease.toNanos();
        touch(p);
        scope.events.publish(rejoined ? SyncEventType.REJOINED : SyncEventType.JOINED, name, "",
                lease.isZero() ? "no lease" : "lease " + lease);
        if (rejoined) {
            LOG.debug("Participant [{}] joined again (was {}); it passed {} syncpoints.", name, before, p.passed.size());
        } else {
            LOG.debug("Participant [{}] joined with lease [{}].", name, HumanDuration.of(lease));
        }
        return info(p, rejoined);
    }

    /**
     * Any call made as the participant shows it is alive and renews its lease. It does not end an
     * expected absence: a heartbeat sent just before a reboot must not undo the engine's word; a
     * join or the engine does.
     */
    void touch(Participant p) {
        p.lastSeen = scope.loop.now();
        p.lastSeenAt = Instant.now();
        if (p.leaseNanos > 0 && p.leaseTimer == null && p.status == ParticipantStatus.ALIVE) {
            armLease(p, p.lastSeen + p.leaseNanos);
        }
    }

    private void armLease(Participant p, long at) {
        p.leaseTimer = scope.loop.schedule(at, () -> checkLease(p));
    }

    private void checkLease(Participant p) {
        p.leaseTimer = null;
        if (p.status != ParticipantStatus.ALIVE || p.leaseNanos == 0) {
            return;
        }
        long expiry = p.lastSeen + p.leaseNanos;
        if (scope.loop.now() - expiry >= 0) {
            markDead(p, "its lease of [" + HumanDuration.of(Duration.ofNanos(p.leaseNanos)) + "] lapsed: no sign of life since ["
                    + p.lastSeenAt + "]", false);
        } else {
            armLease(p, expiry);
        }
    }

    void heartbeat(String name) throws HttpError {
        Participant p = byName.get(name);
        if (p == null) {
            throw new HttpError(404, "Participant [" + name + "] has not joined; join before sending heartbeats.");
        }
        requireUsable(p);
        touch(p);
    }

    /**
     * Lets a participant take part in a sync or the cluster. One whose process died (its connection
     * dropped, its lease lapsed, it left) takes part again: this call comes from a new process of it
     * (the deaths of processes fail what expected them then, not what comes later). One the engine
     * declared gone, or that was removed, is refused.
     */
    void takePart(Participant p) throws HttpError {
        if (p.status == ParticipantStatus.DEAD && !p.hostGone) {
            String was = p.cause;
            p.status = ParticipantStatus.ALIVE;
            p.cause = "";
            p.leaseNanos = 0; // the new process has not asked for a lease; the old one's would kill it
            touch(p);
            LOG.info("Participant [{}] takes part again: a new process of it called after it died ({}).", p.name, was);
            scope.events.publish(SyncEventType.REJOINED, p.name, "", "a new process, after: " + was);
            return;
        }
        requireUsable(p);
    }

    /** Refuses calls from a participant that is dead or removed. */
    void requireUsable(Participant p) throws HttpError {
        if (p.status == ParticipantStatus.DEAD) {
            throw new HttpError(409, "Participant [" + p.name + "] was declared dead (" + p.cause
                    + "); join again before taking part.");
        }
        if (p.status == ParticipantStatus.REMOVED) {
            throw new HttpError(409, "Participant [" + p.name + "] was removed from the run (" + p.cause + ").");
        }
    }

    void leave(String name) throws HttpError {
        Participant p = byName.get(name);
        if (p == null) {
            throw new HttpError(404, "Participant [" + name + "] is not known.");
        }
        if (p.status == ParticipantStatus.ALIVE || p.status == ParticipantStatus.ABSENT) {
            scope.events.publish(SyncEventType.LEFT, name, "", "");
            markDead(p, "it left the run", true);
        }
    }

    /**
     * The engine knows the participant's host is gone: dead even when away on purpose, and until it
     * joins again (or the engine expects it back from a reboot), later syncpoints that list it fail
     * at once.
     */
    void declareGone(Participant p, String cause) {
        if (p.status == ParticipantStatus.REMOVED) {
            return;
        }
        if (p.status == ParticipantStatus.DEAD) {
            p.cause = cause;
        }
        p.hostGone = true;
        markDead(p, cause, true);
    }

    /**
     * Declares the participant dead and fails at once everything that expects it now.
     *
     * @param force true when the engine knows (host gone); false for a lapsed lease or dropped
     *              connection, which an expected absence excuses
     */
    void markDead(Participant p, String cause, boolean force) {
        if (p.status == ParticipantStatus.DEAD || p.status == ParticipantStatus.REMOVED) {
            return;
        }
        if (p.status == ParticipantStatus.ABSENT && !force) {
            LOG.debug("Participant [{}] is away on purpose; not dead: {}.", p.name, cause);
            return;
        }
        p.status = ParticipantStatus.DEAD;
        p.cause = cause;
        if (p.leaseTimer != null) {
            p.leaseTimer.cancel();
            p.leaseTimer = null;
        }
        LOG.info("Participant [{}] is dead: {}.", p.name, cause);
        scope.events.publish(SyncEventType.DEAD, p.name, "", cause);
        scope.participantGone(p);
    }

    void expectAbsence(String name, String reason) {
        Participant p = getOrCreate(name);
        if (p.status == ParticipantStatus.REMOVED) {
            return;
        }
        p.status = ParticipantStatus.ABSENT;
        p.cause = reason;
        p.hostGone = false;
        LOG.debug("Participant [{}] is away on purpose: {}.", name, reason);
        scope.events.publish(SyncEventType.ABSENT, name, "", reason);
    }

    void endAbsence(String name) {
        Participant p = byName.get(name);
        if (p != null && p.status == ParticipantStatus.ABSENT) {
            endAbsence(p);
        }
    }

    private void endAbsence(Participant p) {
        p.status = ParticipantStatus.ALIVE;
        p.cause = "";
        p.lastSeen = scope.loop.now();
        p.lastSeenAt = Instant.now();
        LOG.debug("Participant [{}] is back.", p.name);
        scope.events.publish(SyncEventType.RETURNED, p.name, "", "");
        if (p.leaseNanos > 0 && p.leaseTimer == null) {
            armLease(p, p.lastSeen + p.leaseNanos);
        }
    }

    void remove(String name, String reason) {
        Participant p = getOrCreate(name);
        if (p.status == ParticipantStatus.REMOVED) {
            return;
        }
        p.status = ParticipantStatus.REMOVED;
        p.cause = reason;
        if (p.leaseTimer != null) {
            p.leaseTimer.cancel();
            p.leaseTimer = null;
        }
        LOG.info("Participant [{}] will not come back and leaves later syncpoints: {}.", name, reason);
        scope.events.publish(SyncEventType.REMOVED, name, "", reason);
        scope.participantRemoved(p);
    }

    ParticipantInfo info(Participant p, boolean rejoined) {
        return new ParticipantInfo(p.name, p.status, p.cause, rejoined, Duration.ofNanos(p.leaseNanos), p.passed,
                p.lastNumber);
    }
}
