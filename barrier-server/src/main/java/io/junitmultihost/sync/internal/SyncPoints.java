package io.junitmultihost.sync.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.junitmultihost.sync.ParticipantStatus;
import io.junitmultihost.sync.SyncEventType;
import io.junitmultihost.sync.SyncMessage;
import io.junitmultihost.sync.SyncOutcome;
import io.junitmultihost.sync.SyncState;
import io.junitmultihost.sync.Vote;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TETware remsync on the server: participants arrive at a named or numbered syncpoint with the
 * set that must meet there, a vote and maybe a message; the syncpoint is released when all are
 * there and still connected, and fails at once when one of them dies, or when the inactivity
 * wait or the deadline runs out.
 */
final class SyncPoints {

    private static final Logger LOG = LoggerFactory.getLogger(SyncPoints.class);

    /**
     * Up to this many participants a reply names each one; above it, a state everyone shares is
     * written {@value #ALL}: "all you listed, and you". A 1000-party release then sends 1000
     * short replies instead of 1000 copies of 1000 names.
     */
    static final int EXPLICIT_UP_TO = 16;
    static final String ALL = "*";

    private final Scope scope;
    private final Map<String, SyncPoint> byName = new HashMap<>();
    private final Set<SyncPoint> open = new LinkedHashSet<>();

    SyncPoints(Scope scope) {
        this.scope = scope;
    }

    /** What a caller asks for at a syncpoint. */
    static final class Ask {
        String syncpoint;
        String with;
        Vote vote = Vote.YES;
        byte[] message = new byte[0];
        Duration timeout;
        Duration inactivity;
    }

    void arrive(Connection c, Participant p, Ask ask) throws HttpError {
        scope.participants.takePart(p);
        String name = ask.syncpoint;
        long number = 0;
        if (Names.isNumber(name)) {
            number = Long.parseLong(name);
            if (number == 0) {
                number = p.lastNumber + 1;
            }
            name = Long.toString(number);
        }
        SyncPoint sp = byName.get(name);
        Set<String> listed;
        if (sp != null && sp.outcome == SyncOutcome.OPEN && ask.with.equals(sp.rawWith) && sp.expected.contains(p.name)) {
            listed = null; // Same list as the opener's, already checked: the common case at a thousand arrivals.
        } else {
            listed = parseWith(name, p.name, ask.with);
        }
        if (scope.aborted()) {
            Set<String> everyone = listed != null ? listed : sp.expected;
            c.respond(Reply.lines(closedReply(name, SyncOutcome.ABORTED, everyone, scope.abortSentence())));
            return;
        }
        if (sp != null && sp.outcome != SyncOutcome.OPEN) {
            answerClosed(c, p, sp);
            return;
        }
        if (sp == null) {
            sp = open(name, ask.with, listed);
        } else if (listed != null) {
            requireSameSet(sp, p, listed);
        }
        Arrival existing = sp.arrivals.get(p.name);
        if (existing != null) {
            if (existing.waiter != null && !existing.waiter.done()) {
                throw new HttpError(409, "Participant [" + p.name + "] is already waiting at syncpoint [" + name + "].");
            }
            existing.waiter = waiter(c, p, sp);
            return;
        }
        if (number > p.lastNumber) {
            p.lastNumber = number;
        }
        sp.arrivals.put(p.name, new Arrival(p.name, ask.vote, waiter(c, p, sp)));
        takeMessage(sp, p.name, ask.message);
        long now = scope.loop.now();
        sp.lastArrival = now;
        if (ask.inactivity != null && ask.inactivity.toNanos() < sp.inactivityNanos) {
            sp.inactivity = ask.inactivity;
            sp.inactivityNanos = ask.inactivity.toNanos();
        }
        long deadline = now + ask.timeout.toNanos();
        if (!sp.hasDeadline || deadline - sp.deadline < 0) {
            sp.deadline = deadline;
            sp.timeout = ask.timeout;
            sp.hasDeadline = true;
        }
        scope.events.publish(SyncEventType.ARRIVED, p.name, name,
                "vote=" + ask.vote + (ask.message.length > 0 ? " message=" + Math.min(ask.message.length, SyncMessage.MAX_BYTES) + "B" : ""));
        if (LOG.isDebugEnabled()) {
            LOG.debug("Participant [{}] arrived at syncpoint [{}] ({}/{}).", p.name, name, sp.arrivals.size(), sp.expected.size());
        }
        if (sp.arrivals.size() == 1) {
            failIfSomeoneIsDead(sp);
        }
        if (sp.outcome == SyncOutcome.OPEN) {
            tryRelease(sp);
        }
    }

    private Set<String> parseWith(String name, String self, String with) throws HttpError {
        Set<String> listed = new TreeSet<>();
        if (!with.isEmpty()) {
            for (String q : with.split(",", -1)) {
                Names.participant(q);
                if (!listed.add(q)) {
                    throw new HttpError(400, "Participant [" + q + "] is listed twice in [" + with
                            + "] for syncpoint [" + name + "]; list each participant once.");
                }
            }
        }
        listed.add(self);
        if (listed.size() < 2) {
            throw new HttpError(400, "Syncpoint [" + name + "] needs at least one other participant; list them with with=a,b.");
        }
        return listed;
    }

    private SyncPoint open(String name, String rawWith, Set<String> listed) {
        Set<String> expected = new TreeSet<>();
        Set<String> removed = new TreeSet<>();
        for (String q : listed) {
            Participant qp = scope.participants.get(q);
            (qp != null && qp.status == ParticipantStatus.REMOVED ? removed : expected).add(q);
        }
        SyncPoint sp = new SyncPoint(name, expected);
        sp.rawWith = rawWith;
        sp.removed.addAll(removed);
        byName.put(name, sp);
        open.add(sp);
        return sp;
    }

    private void requireSameSet(SyncPoint sp, Participant p, Set<String> listed) throws HttpError {
        Set<String> wanted = new TreeSet<>(listed);
        wanted.removeAll(sp.removed);
        if (!wanted.equals(sp.expected)) {
            throw new HttpError(409, "Participant [" + p.name + "] syncs to [" + sp.name + "] with " + listed
                    + " but it was opened with " + sp.expected + "; every participant must list the same set.");
        }
    }

    private void answerClosed(Connection c, Participant p, SyncPoint sp) throws HttpError {
        if (p.passedSet.contains(sp.name) || sp.arrivals.containsKey(p.name)) {
            throw new HttpError(409, "Syncpoint [" + sp.name + "] already happened (" + Wire.word(sp.outcome)
                    + ") and participant [" + p.name + "] passed it with [" + finalStates(sp).get(p.name)
                    + "]; sync to a new name or number.");
        }
        if (!sp.expected.contains(p.name)) {
            throw new HttpError(409, "Syncpoint [" + sp.name + "] already happened (" + Wire.word(sp.outcome)
                    + ") with participants " + sp.expected + "; sync to a new name or number.");
        }
        // A late participant learns how the syncpoint it missed ended, and is counted as having passed it.
        p.pass(sp.name);
        c.respond(Reply.lines(resultLines(sp, false, false)));
    }

    private Waiter waiter(Connection c, Participant p, SyncPoint sp) {
        return new Waiter(c, p.name, why -> {
            Arrival a = sp.arrivals.get(p.name);
            if (a != null) {
                a.waiter = null;
            }
            if (sp.outcome == SyncOutcome.OPEN) {
                scope.participants.markDead(p, "its connection dropped while it waited at syncpoint [" + sp.name + "] ("
                        + why + ")", false);
            }
        });
    }

    private static void takeMessage(SyncPoint sp, String participant, byte[] message) {
        if (message.length == 0) {
            return;
        }
        if (sp.sender != null) {
            sp.duplicateSenders = true;
            return;
        }
        sp.sender = participant;
        sp.truncated = message.length > SyncMessage.MAX_BYTES;
        sp.message = sp.truncated ? Arrays.copyOf(message, SyncMessage.MAX_BYTES) : message;
    }

    /**
     * A new syncpoint fails at once only for a participant whose host the engine declared gone; one
     * whose process died earlier may come back with a new process, so the syncpoint waits for it.
     */
    private void failIfSomeoneIsDead(SyncPoint sp) {
        for (String q : sp.expected) {
            Participant qp = scope.participants.get(q);
            if (qp != null && qp.status == ParticipantStatus.DEAD && qp.hostGone) {
                fail(sp, SyncOutcome.FAILED, "participant [" + q + "] is dead (" + qp.cause + ")");
                return;
            }
        }
    }

    /**
     * Releases when everyone is there, once the loop has taken in every connection that closed
     * meanwhile (autotest pings its waiters for this): a waiter that just went away makes the
     * syncpoint fail naming it, instead of a release that pretends it synced.
     */
    private void tryRelease(SyncPoint sp) {
        if (sp.arrivals.size() < sp.expected.size()) {
            arm(sp);
            return;
        }
        if (sp.releasePending) {
            return;
        }
        sp.releasePending = true;
        scope.loop.afterPendingIo(() -> {
            sp.releasePending = false;
            if (sp.outcome == SyncOutcome.OPEN && sp.arrivals.size() >= sp.expected.size()) {
                release(sp);
            }
        });
    }

    private void arm(SyncPoint sp) {
        if (sp.timer != null) {
            sp.timer.cancel();
        }
        long at = sp.deadline;
        if (sp.inactivityNanos != Long.MAX_VALUE && sp.lastArrival + sp.inactivityNanos - at < 0) {
            at = sp.lastArrival + sp.inactivityNanos;
        }
        sp.timer = scope.loop.schedule(at, () -> expire(sp));
    }

    private void expire(SyncPoint sp) {
        sp.timer = null;
        if (sp.outcome != SyncOutcome.OPEN) {
            return;
        }
        long now = scope.loop.now();
        boolean idle = sp.inactivityNanos != Long.MAX_VALUE && now - (sp.lastArrival + sp.inactivityNanos) >= 0;
        boolean late = now - sp.deadline >= 0;
        if (!idle && !late) {
            arm(sp);
            return;
        }
        Set<String> missing = new TreeSet<>(sp.expected);
        missing.removeAll(sp.arrivals.keySet());
        String why = idle && !late
                ? "nobody arrived for [" + HumanDuration.of(sp.inactivity) + "], the inactivity wait"
                : "its deadline of [" + HumanDuration.of(sp.timeout) + "] passed";
        StringBuilder dead = new StringBuilder();
        for (String q : missing) {
            Participant qp = scope.participants.get(q);
            if (qp != null && qp.status == ParticipantStatus.DEAD) {
                dead.append("; [").append(q).append("] died earlier (").append(qp.cause)
                        .append(") and no new process of it came");
            }
        }
        fail(sp, SyncOutcome.TIMED_OUT, why + "; still missing: " + missing + dead);
    }

    private void release(SyncPoint sp) {
        sp.outcome = SyncOutcome.RELEASED;
        open.remove(sp);
        if (sp.timer != null) {
            sp.timer.cancel();
            sp.timer = null;
        }
        String noVoters = null;
        for (Arrival a : sp.arrivals.values()) {
            if (a.vote == Vote.NO) {
                noVoters = noVoters == null ? a.participant : noVoters + ", " + a.participant;
            }
        }
        // At most four different replies (success or not, sender or not), each serialised once for everyone.
        Reply[] variants = new Reply[4];
        String noReason = "Syncpoint [" + sp.name + "] was reached, but [" + noVoters + "] voted NO.";
        // The loops call out for each arrival: release runs once per syncpoint, so its own loop body
        // would stay in the interpreter, while a method called a thousand times is soon compiled.
        for (Arrival a : sp.arrivals.values()) {
            answer(sp, a, variants, noVoters, noReason);
        }
        // Bookkeeping after the answers are out: the waiters should not wait for it. The final
        // states of a release are the votes, read from the arrivals when someone asks (finalStates).
        for (Arrival a : sp.arrivals.values()) {
            passed(sp, a);
        }
        scope.events.publish(SyncEventType.RELEASED, "", sp.name, sp.expected.size() + " participants");
        LOG.debug("Syncpoint [{}] released {} participants.", sp.name, sp.arrivals.size());
    }

    private void answer(SyncPoint sp, Arrival a, Reply[] variants, String noVoters, String noReason) {
        if (a.waiter == null) {
            return;
        }
        boolean success = noVoters == null || a.vote == Vote.NO;
        boolean sender = a.participant.equals(sp.sender);
        int v = (success ? 2 : 0) + (sender ? 1 : 0);
        if (variants[v] == null) {
            variants[v] = Reply.lines(resultLines(sp, success, sender, success ? "" : noReason));
            if (sp.arrivals.size() > EXPLICIT_UP_TO) {
                variants[v].forMany(); // Worth an off-heap copy only when many get it.
            }
        }
        a.waiter.finish(variants[v]);
    }

    private void passed(SyncPoint sp, Arrival a) {
        a.waiter = null; // A finished syncpoint is kept for late callers, without its connections.
        Participant ap = scope.participants.get(a.participant);
        if (ap != null) {
            ap.pass(sp.name);
        }
    }

    private void fail(SyncPoint sp, SyncOutcome outcome, String why) {
        close(sp, outcome, why);
        Map<String, Reply> variants = new HashMap<>();
        for (Arrival a : sp.arrivals.values()) {
            Participant ap = scope.participants.get(a.participant);
            if (ap != null) {
                ap.pass(sp.name);
            }
            if (a.waiter != null) {
                boolean sender = a.participant.equals(sp.sender);
                a.waiter.finish(variants.computeIfAbsent("x/" + sender, k -> Reply.lines(resultLines(sp, false, sender))));
                a.waiter = null;
            }
        }
        scope.events.publish(SyncEventType.SYNC_FAILED, "", sp.name, sp.reason);
        LOG.info("{}", sp.reason);
    }

    private void close(SyncPoint sp, SyncOutcome outcome, String why) {
        sp.outcome = outcome;
        open.remove(sp);
        if (sp.timer != null) {
            sp.timer.cancel();
            sp.timer = null;
        }
        sp.finalStates = states(sp);
        if (outcome != SyncOutcome.RELEASED) {
            sp.reason = "Syncpoint [" + sp.name + "] " + (outcome == SyncOutcome.TIMED_OUT ? "timed out" : outcome == SyncOutcome.ABORTED ? "was aborted" : "failed")
                    + ": " + why + ". States: " + grouped(sp.finalStates) + ".";
        }
    }

    /** The states a closed syncpoint ended with; a release's are computed on first use. */
    private Map<String, SyncState> finalStates(SyncPoint sp) {
        if (sp.finalStates == null) {
            sp.finalStates = states(sp);
        }
        return sp.finalStates;
    }

    private Map<String, SyncState> states(SyncPoint sp) {
        Map<String, SyncState> states = new TreeMap<>();
        for (String q : sp.expected) {
            Participant qp = scope.participants.get(q);
            Arrival a = sp.arrivals.get(q);
            SyncState s;
            if (qp != null && qp.status == ParticipantStatus.DEAD && sp.outcome != SyncOutcome.RELEASED) {
                s = SyncState.DEAD;
            } else if (a != null) {
                s = a.vote == Vote.YES ? SyncState.SYNCED_YES : SyncState.SYNCED_NO;
            } else if (sp.outcome == SyncOutcome.TIMED_OUT) {
                s = SyncState.TIMED_OUT;
            } else {
                s = SyncState.NOT_SYNCED;
            }
            states.put(q, s);
        }
        return states;
    }

    private static Map<SyncState, List<String>> group(Map<String, SyncState> states) {
        Map<SyncState, List<String>> grouped = new EnumMap<>(SyncState.class);
        states.forEach((q, s) -> grouped.computeIfAbsent(s, k -> new ArrayList<>()).add(q));
        return grouped;
    }

    private static String grouped(Map<String, SyncState> states) {
        StringBuilder sb = new StringBuilder();
        group(states).forEach((s, qs) -> sb.append(sb.length() == 0 ? "" : ", ").append(s).append("=").append(qs));
        return sb.toString();
    }

    private WireFormat.Lines resultLines(SyncPoint sp, boolean success, boolean sender) {
        return resultLines(sp, success, sender, sp.reason, true);
    }

    private static WireFormat.Lines resultLines(SyncPoint sp, boolean success, boolean sender, String reason) {
        return resultLines(sp, success, sender, reason, true);
    }

    /** @param shorten true when the caller listed the participants itself, so "*" can stand for all of them */
    private static WireFormat.Lines resultLines(SyncPoint sp, boolean success, boolean sender, String reason, boolean shorten) {
        WireFormat.Lines l = new WireFormat.Lines()
                .add("result", Wire.word(sp.outcome))
                .add("success", String.valueOf(success))
                .add("syncpoint", sp.name);
        SyncState common = shorten && sp.expected.size() > EXPLICIT_UP_TO && sp.finalStates == null ? commonVote(sp) : null;
        if (common != null) {
            l.add("states." + common.name(), ALL); // Everyone arrived with the same vote: no need to list a thousand names.
        } else {
            Map<String, SyncState> states = sp.finalStates != null ? sp.finalStates : openStates(sp);
            boolean big = shorten && states.size() > EXPLICIT_UP_TO;
            group(states).forEach((s, qs) -> l.add("states." + s.name(),
                    big && qs.size() == states.size() ? ALL : String.join(",", qs)));
        }
        if (!sp.removed.isEmpty()) {
            l.add("removed", String.join(",", sp.removed));
        }
        if (sp.sender != null) {
            l.add("message.sender", sp.sender);
            l.add("message.flags", (sender ? "sent" : "received") + (sp.duplicateSenders ? ",duplicate" : "")
                    + (sp.truncated ? ",truncated" : ""));
            l.add("message.length", String.valueOf(sp.message.length));
            l.add("message", sp.message);
        }
        if (!reason.isEmpty()) {
            l.add("reason", reason);
        }
        return l;
    }

    /** The state every expected participant is in when all arrived with one vote, else null. */
    private static SyncState commonVote(SyncPoint sp) {
        if (sp.arrivals.size() != sp.expected.size()) {
            return null;
        }
        Vote first = null;
        for (Arrival a : sp.arrivals.values()) {
            if (first == null) {
                first = a.vote;
            } else if (a.vote != first) {
                return null;
            }
        }
        return first == Vote.NO ? SyncState.SYNCED_NO : SyncState.SYNCED_YES;
    }

    private static Map<String, SyncState> openStates(SyncPoint sp) {
        Map<String, SyncState> states = new TreeMap<>();
        for (String q : sp.expected) {
            Arrival a = sp.arrivals.get(q);
            states.put(q, a == null ? SyncState.NOT_SYNCED : a.vote == Vote.YES ? SyncState.SYNCED_YES : SyncState.SYNCED_NO);
        }
        return states;
    }

    private static WireFormat.Lines closedReply(String name, SyncOutcome outcome, Set<String> everyone, String reason) {
        WireFormat.Lines l = new WireFormat.Lines()
                .add("result", Wire.word(outcome))
                .add("success", "false")
                .add("syncpoint", name)
                .add("states." + SyncState.NOT_SYNCED.name(), String.join(",", everyone));
        return l.add("reason", reason);
    }

    /** The syncpoint as it stands, for a participant that came back and wants to know. */
    Reply status(String name) throws HttpError {
        SyncPoint sp = byName.get(name);
        if (sp == null) {
            throw new HttpError(404, "Syncpoint [" + name + "] is not known: nobody has arrived there yet.");
        }
        return Reply.lines(resultLines(sp, sp.outcome == SyncOutcome.RELEASED, false,
                sp.outcome == SyncOutcome.RELEASED ? "" : sp.reason, false));
    }

    Reply message(String name) throws HttpError {
        SyncPoint sp = byName.get(name);
        if (sp == null || sp.sender == null) {
            throw new HttpError(404, "Syncpoint [" + name + "] has no message.");
        }
        return Reply.raw(200, Reply.BINARY, Map.of("X-MH-Sender", sp.sender), sp.message);
    }

    void participantGone(Participant p) {
        for (SyncPoint sp : new ArrayList<>(open)) {
            if (sp.outcome == SyncOutcome.OPEN && sp.expected.contains(p.name)) {
                fail(sp, SyncOutcome.FAILED, "participant [" + p.name + "] is dead (" + p.cause + ")");
            }
        }
    }

    void participantRemoved(Participant p) {
        for (SyncPoint sp : new ArrayList<>(open)) {
            if (sp.outcome != SyncOutcome.OPEN || !sp.expected.remove(p.name)) {
                continue;
            }
            sp.removed.add(p.name);
            Arrival a = sp.arrivals.remove(p.name);
            if (a != null && a.waiter != null) {
                a.waiter.finish(Reply.error(409, "Participant [" + p.name + "] was removed from the run (" + p.cause + ")."));
            }
            if (sp.expected.isEmpty()) {
                close(sp, SyncOutcome.RELEASED, "");
            } else {
                tryRelease(sp);
            }
        }
    }

    void abortAll() {
        for (SyncPoint sp : new ArrayList<>(open)) {
            fail(sp, SyncOutcome.ABORTED, scope.abortSentence());
        }
    }
}
