package io.junitmultihost.sync.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.junitmultihost.sync.ClusterOutcome;
import io.junitmultihost.sync.ClusterResult;
import io.junitmultihost.sync.ParticipantStatus;
import io.junitmultihost.sync.SyncEventType;

/**
 * lkp-tests' cluster state: each member writes its state with role and address; wait_ready and
 * wait_finish hold until every member is there, and return abort as soon as any member aborted,
 * failed or died, or the run was aborted.
 */
final class Cluster {

    static final String READY = "ready";
    static final String FINISH = "finish";
    static final String ABORT = "abort";

    private final Scope scope;
    private Set<String> members;
    /** The engine's members (a class's or a test's hosts), for waits that name none while no one defined any. */
    private Set<String> defaults;
    private final List<Wait> waits = new ArrayList<>();
    /** lkp latches the whole cluster's state: once everyone was ready, a late asker is told ready too. */
    private boolean everReady;
    private boolean everFinished;

    private static final class Wait {
        final Waiter waiter;
        final String target;

        Wait(Waiter waiter, String target) {
            this.waiter = waiter;
            this.target = target;
        }
    }

    Cluster(Scope scope) {
        this.scope = scope;
    }

    /** Sets the members once; the same set again is fine, another set is refused. */
    void define(Collection<String> names) throws HttpError {
        Set<String> wanted = new TreeSet<>(names);
        if (members != null && !members.equals(wanted)) {
            throw new HttpError(409, "The cluster members are already " + members + ", not " + wanted + ".");
        }
        for (String n : wanted) {
            Names.participant(n);
            scope.participants.getOrCreate(n);
        }
        members = wanted;
        reevaluate();
    }

    /**
     * Members for waits that name none, until someone defines the members: the engine's default,
     * so that a test whose shells name members of their own ({@code --participants}) is not refused
     * for naming a set other than the engine's.
     */
    void defineDefault(Collection<String> names) {
        Set<String> wanted = new TreeSet<>(names);
        for (String n : wanted) {
            Names.participant(n);
        }
        defaults = wanted;
    }

    void writeState(Participant p, String state, String role, String address) {
        String s = normalise(state);
        if (!s.isEmpty()) {
            p.clusterState = s;
        }
        if (role != null) {
            p.role = role;
        }
        if (address != null) {
            p.address = address;
        }
        scope.events.publish(SyncEventType.STATE, p.name, p.clusterState, "role=" + p.role + " address=" + p.address);
        reevaluate();
    }

    /** lkp's words: failed means abort, finished means finish, wait_ready means ready. */
    static String normalise(String state) {
        String s = state == null ? "" : state.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "failed":
                return ABORT;
            case "finished":
            case "wait_finish":
                return FINISH;
            case "wait_ready":
                return READY;
            default:
                return s;
        }
    }

    void await(Connection c, Participant p, String target, String with, Duration timeout) throws HttpError {
        if (scope.aborted()) {
            c.respond(Reply.lines(Wire.lines(new ClusterResult(ClusterOutcome.ABORT, memberStates(), scope.abortSentence()))));
            return;
        }
        if (with != null && !with.isEmpty()) {
            Set<String> wanted = new TreeSet<>(List.of(with.split(",")));
            wanted.add(p.name);
            define(wanted);
        } else if (members == null && defaults != null) {
            define(defaults);
        }
        if (members == null) {
            throw new HttpError(409, "The cluster members are not known; pass with=a,b or let the engine define them.");
        }
        if (!members.contains(p.name)) {
            throw new HttpError(409, "Participant [" + p.name + "] is not a cluster member " + members + ".");
        }
        if (!(target.equals(READY) && p.clusterState.equals(FINISH)) && !p.clusterState.equals(ABORT)) {
            p.clusterState = target;
            scope.events.publish(SyncEventType.STATE, p.name, target, "role=" + p.role + " address=" + p.address);
        }
        ClusterResult now = evaluate(target);
        if (now != null) {
            c.respond(Reply.lines(Wire.lines(now)));
            reevaluate();
            return;
        }
        Waiter w = new Waiter(c, p.name, why -> scope.participants.markDead(p,
                "its connection dropped while it waited for the cluster to be " + target + " (" + why + ")", false));
        Wait wait = new Wait(w, target);
        waits.add(wait);
        w.deadline(scope.loop, scope.loop.now() + timeout.toNanos(), () -> {
            waits.remove(wait);
            w.finish(Reply.lines(Wire.lines(new ClusterResult(ClusterOutcome.TIMED_OUT, memberStates(),
                    "Cluster members " + missing(target) + " were not " + target + " within [" + HumanDuration.of(timeout) + "]; states: "
                            + memberStates() + "."))));
        });
        reevaluate();
    }

    /** Decides a wait: null while it must go on. */
    private ClusterResult evaluate(String target) {
        if (scope.aborted()) {
            return new ClusterResult(ClusterOutcome.ABORT, memberStates(), scope.abortSentence());
        }
        for (String m : members) {
            Participant mp = scope.participants.get(m);
            if (mp == null || mp.status == ParticipantStatus.REMOVED) {
                continue;
            }
            if (mp.status == ParticipantStatus.DEAD && mp.hostGone) {
                return new ClusterResult(ClusterOutcome.ABORT, memberStates(), "Cluster member [" + m + "] is dead (" + mp.cause + ").");
            }
            if (mp.clusterState.equals(ABORT)) {
                return new ClusterResult(ClusterOutcome.ABORT, memberStates(), "Cluster member [" + m + "] aborted.");
            }
        }
        if (target.equals(READY) && (everReady || missing(READY).isEmpty())) {
            everReady = true;
            return new ClusterResult(ClusterOutcome.READY, memberStates(), "");
        }
        if (target.equals(FINISH) && (everFinished || missing(FINISH).isEmpty())) {
            everFinished = true;
            return new ClusterResult(ClusterOutcome.FINISH, memberStates(), "");
        }
        return null;
    }

    private Set<String> missing(String target) {
        Set<String> missing = new TreeSet<>();
        for (String m : members) {
            Participant mp = scope.participants.get(m);
            if (mp != null && mp.status == ParticipantStatus.REMOVED) {
                continue;
            }
            String s = mp == null ? "" : mp.clusterState;
            boolean there = target.equals(READY) ? s.equals(READY) || s.equals(FINISH) : s.equals(FINISH);
            if (!there) {
                missing.add(m);
            }
        }
        return missing;
    }

    private Map<String, String> memberStates() {
        Map<String, String> states = new TreeMap<>();
        if (members != null) {
            for (String m : members) {
                Participant mp = scope.participants.get(m);
                states.put(m, mp == null ? "" : mp.status == ParticipantStatus.DEAD ? "dead"
                        : mp.status == ParticipantStatus.REMOVED ? "removed" : mp.clusterState);
            }
        }
        return states;
    }

    /**
     * A member died: every wait open now returns abort, naming it. Later waits abort for it only
     * when its host is gone; a new process of it may still come.
     */
    void memberDied(Participant p) {
        if (members == null || !members.contains(p.name)) {
            reevaluate();
            return;
        }
        ClusterResult dead = new ClusterResult(ClusterOutcome.ABORT, memberStates(),
                "Cluster member [" + p.name + "] is dead (" + p.cause + ").");
        List<Wait> open = new ArrayList<>(waits);
        waits.clear();
        for (Wait wait : open) {
            wait.waiter.finish(Reply.lines(Wire.lines(dead)));
        }
    }

    /** Answers every wait that can be decided now. */
    void reevaluate() {
        if (members == null || waits.isEmpty()) {
            return;
        }
        for (Iterator<Wait> it = waits.iterator(); it.hasNext(); ) {
            Wait wait = it.next();
            if (wait.waiter.done()) {
                it.remove();
                continue;
            }
            ClusterResult r = evaluate(wait.target);
            if (r != null) {
                it.remove();
                wait.waiter.finish(Reply.lines(Wire.lines(r)));
            }
        }
    }

    Reply snapshot() {
        WireFormat.Lines l = new WireFormat.Lines().add("members", members == null ? "" : String.join(",", members));
        for (Participant p : scope.participants.all().values()) {
            if (members == null || members.contains(p.name)) {
                l.add("state." + p.name, p.clusterState);
                l.add("role." + p.name, p.role);
                l.add("address." + p.name, p.address);
            }
        }
        return Reply.lines(l);
    }

    /** lkp's roles_ip as shell: {@code export ROLE='address ...'}, one line per role, to eval on a host. */
    String rolesIp() {
        Map<String, List<String>> byRole = roles();
        StringBuilder sb = new StringBuilder();
        byRole.forEach((role, addresses) -> sb.append("export ").append(shellName(role)).append("='")
                .append(String.join(" ", addresses).replace("'", "'\\''")).append("'\n"));
        return sb.toString();
    }

    /** Role to the addresses (or names, when no address was written) of the members holding it. */
    Map<String, List<String>> roles() {
        Map<String, List<String>> byRole = new TreeMap<>();
        for (Participant p : scope.participants.all().values()) {
            for (String role : p.role.split("[ ,]+")) {
                if (!role.isEmpty() && (members == null || members.contains(p.name))) {
                    byRole.computeIfAbsent(role, r -> new ArrayList<>()).add(p.address.isEmpty() ? p.name : p.address);
                }
            }
        }
        return byRole;
    }

    static String shellName(String role) {
        String s = role.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }
}
