package io.junitmultihost.sync.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.junitmultihost.sync.Vote;

/**
 * The HTTP API under {@code /v1}: routes each request to the scope its token opens. Every
 * refusal is a 4xx with an {@code error=} sentence; the connection stays usable.
 */
final class Api implements ServerLoop.Handler {

    private final ServerCore core;

    Api(ServerCore core) {
        this.core = core;
    }

    @Override
    public Object authenticate(RequestHead head) {
        return core.credentialFor(head.headers);
    }

    @Override
    public void handle(Connection c, HttpRequest r) {
        try {
            route(c, r);
        } catch (HttpError e) {
            c.respond(Reply.error(e.status, e.getMessage()));
        } catch (IllegalArgumentException e) {
            c.respond(Reply.error(400, e.getMessage()));
        }
    }

    private void route(Connection c, HttpRequest r) throws HttpError {
        List<String> path = r.path;
        if (path.size() < 2 || !path.get(0).equals("v1")) {
            throw new HttpError(404, "There is nothing at [" + RequestParser.printable(r.target.split("\\?")[0])
                    + "]; the API lives under /v1 (see docs/SYNC.md).");
        }
        Credential credential = (Credential) r.principal;
        Scope scope = credential.scope;
        String as = r.param("as");
        Participant caller = null;
        if (as != null) {
            Names.participant(as);
            maySpeakAs(credential, as);
            caller = scope.participants.get(as);
            if (caller != null) {
                scope.participants.touch(caller);
            }
        }
        String what = path.get(1);
        switch (what) {
            case "health":
                method(r, "GET");
                c.respond(Reply.lines(new WireFormat.Lines().add("ok", "true").add("scope", scope.label)
                        .add("time", Instant.now().toString())));
                return;
            case "join": {
                method(r, "POST");
                Duration lease = r.param("lease") == null ? Duration.ZERO : Durations.parse(r.param("lease"));
                c.respond(Reply.lines(Wire.lines(scope.participants.join(requireAs(r, credential), lease))));
                return;
            }
            case "heartbeat":
                method(r, "POST");
                scope.participants.heartbeat(requireAs(r, credential));
                c.respond(Reply.ok());
                return;
            case "leave":
                method(r, "POST");
                scope.participants.leave(requireAs(r, credential));
                c.respond(Reply.ok());
                return;
            case "participants": {
                method(r, "GET");
                String name = Names.participant(segment(path, 2, "/v1/participants/NAME"));
                Participant p = scope.participants.get(name);
                if (p == null) {
                    throw new HttpError(404, "Participant [" + name + "] is not known.");
                }
                c.respond(Reply.lines(Wire.lines(scope.participants.info(p, false))));
                return;
            }
            case "sync":
                sync(c, r, credential, path);
                return;
            case "cluster":
                cluster(c, r, credential, path);
                return;
            case "kv":
                keyValue(c, r, scope, path, caller);
                return;
            case "abort": {
                method(r, "POST");
                String reason = r.param("reason") != null ? r.param("reason") : new String(r.body, StandardCharsets.UTF_8).trim();
                if (reason.isEmpty()) {
                    throw new HttpError(400, "An abort needs a reason: pass reason=TEXT.");
                }
                scope.abortNow(as != null ? as : credential.whole() ? "an unnamed caller" : credential.participant, reason);
                c.respond(Reply.lines(new WireFormat.Lines().add("aborted", "true").add("reason", scope.abortSentence())));
                return;
            }
            case "events": {
                method(r, "GET");
                long after = longParam(r, "after", 0);
                int max = (int) Math.min(10_000, Math.max(1, longParam(r, "max", 1000)));
                scope.events.poll(core.loop, c, after, max, timeout(scope, r, "timeout", Duration.ZERO).toNanos());
                return;
            }
            default:
                throw new HttpError(404, "There is no [/v1/" + RequestParser.printable(what) + "]; see docs/SYNC.md for the API.");
        }
    }

    private void sync(Connection c, HttpRequest r, Credential credential, List<String> path) throws HttpError {
        Scope scope = credential.scope;
        String name = Names.syncpoint(segment(path, 2, "/v1/sync/NAME"));
        if (path.size() == 4 && path.get(3).equals("message")) {
            method(r, "GET");
            c.respond(scope.syncPoints.message(name));
            return;
        }
        if (path.size() > 3) {
            throw new HttpError(404, "There is nothing at [/v1/sync/" + name + "/...]; use /v1/sync/NAME or /v1/sync/NAME/message.");
        }
        if (r.method.equals("GET") || r.method.equals("HEAD")) {
            if (Names.isNumber(name) && Long.parseLong(name) == 0) {
                throw new HttpError(400, "Syncpoint [0] means the next one of a participant; ask for a number or a name.");
            }
            c.respond(scope.syncPoints.status(name));
            return;
        }
        method(r, "POST");
        String as = requireAs(r, credential);
        Participant p = scope.participants.getOrCreate(as);
        scope.participants.touch(p);
        SyncPoints.Ask ask = new SyncPoints.Ask();
        ask.syncpoint = name;
        ask.with = r.param("with") == null ? "" : r.param("with");
        ask.vote = vote(r.param("vote"));
        ask.message = r.body;
        ask.timeout = timeout(scope, r, "timeout", scope.limits.defaultWait);
        ask.inactivity = r.param("wait") == null ? null : timeout(scope, r, "wait", scope.limits.defaultWait);
        scope.syncPoints.arrive(c, p, ask);
    }

    private void cluster(Connection c, HttpRequest r, Credential credential, List<String> path) throws HttpError {
        Scope scope = credential.scope;
        String what = path.size() > 2 ? path.get(2) : "";
        switch (what) {
            case "": {
                method(r, "GET");
                c.respond(scope.cluster.snapshot());
                return;
            }
            case "members": {
                method(r, "POST");
                if (!credential.whole()) {
                    throw new HttpError(403, "Only the scope's own token (the engine's) sets the cluster members; the token of ["
                            + credential.participant + "] cannot (docs/SYNC.md, \"Who may speak for whom\").");
                }
                String with = r.param("with");
                if (with == null || with.isEmpty()) {
                    throw new HttpError(400, "Name the members with with=a,b.");
                }
                scope.cluster.define(Arrays.asList(with.split(",")));
                c.respond(Reply.ok());
                return;
            }
            case "roles-ip": {
                method(r, "GET");
                c.respond(Reply.raw(200, Reply.TEXT, Map.of(), scope.cluster.rolesIp().getBytes(StandardCharsets.UTF_8)));
                return;
            }
            case "state": {
                method(r, "POST");
                Participant p = scope.participants.getOrCreate(requireAs(r, credential));
                scope.participants.takePart(p);
                String state = r.param("state");
                String role = r.param("role");
                String address = r.param("address");
                if ((state == null || state.isEmpty()) && role == null && address == null) {
                    throw new HttpError(400, "Write at least one of state=, role= and address=.");
                }
                scope.cluster.writeState(p, state, role, address);
                c.respond(Reply.ok());
                return;
            }
            case "ready":
            case "finish": {
                method(r, "POST");
                Participant p = scope.participants.getOrCreate(requireAs(r, credential));
                scope.participants.takePart(p);
                scope.participants.touch(p);
                scope.cluster.await(c, p, what.equals("ready") ? Cluster.READY : Cluster.FINISH, r.param("with"),
                        timeout(scope, r, "timeout", scope.limits.defaultWait));
                return;
            }
            default:
                throw new HttpError(404, "There is no [/v1/cluster/" + RequestParser.printable(what)
                        + "]; use state, ready, finish, members or roles-ip.");
        }
    }

    private void keyValue(Connection c, HttpRequest r, Scope scope, List<String> path, Participant caller) throws HttpError {
        if (path.size() < 3) {
            throw new HttpError(404, "Name the key: /v1/kv/KEY.");
        }
        String key = Names.key(String.join("/", path.subList(2, path.size())));
        switch (r.method) {
            case "PUT":
            case "POST": {
                String expect = r.param("expect");
                boolean absent = "true".equals(r.param("absent"));
                long version = scope.keyValues.set(key, r.body, expect == null ? null : expect.getBytes(StandardCharsets.UTF_8),
                        absent, caller == null ? "" : caller.name);
                c.respond(Reply.lines(new WireFormat.Lines().add("ok", "true").add("version", Long.toString(version))));
                return;
            }
            case "GET":
            case "HEAD": {
                String wait = r.param("wait");
                if (wait == null) {
                    KeyValues.Entry e = scope.keyValues.get(key);
                    if (e == null) {
                        throw new HttpError(404, "Key [" + key + "] is not set.");
                    }
                    c.respond(KeyValues.valueReply(key, e));
                    return;
                }
                String value = r.param("value");
                scope.keyValues.await(c, key, longParam(r, "after-version", 0),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                        timeout(scope, r, "wait", scope.limits.defaultWait).toNanos(), caller);
                return;
            }
            default:
                throw new HttpError(405, "Use PUT to set and GET to read or wait on [/v1/kv/" + key + "].");
        }
    }

    private static void method(HttpRequest r, String expected) throws HttpError {
        if (r.method.equals(expected) || (expected.equals("GET") && r.method.equals("HEAD"))) {
            return;
        }
        throw new HttpError(405, "Use " + expected + " for [" + r + "], not " + r.method + ".");
    }

    /**
     * A participant token speaks for its own participant and for names the scope did not reserve
     * (a remote JVM's, say), never for the controller or another host: see docs/SYNC.md.
     */
    private static void maySpeakAs(Credential credential, String as) throws HttpError {
        if (!credential.whole() && !as.equals(credential.participant) && credential.scope.reserved(as)) {
            throw new HttpError(403, "The token of [" + credential.participant + "] cannot speak as [" + as
                    + "]: that name is reserved to its own token (docs/SYNC.md, \"Who may speak for whom\").");
        }
    }

    private static String requireAs(HttpRequest r, Credential credential) throws HttpError {
        String as = r.param("as");
        if ((as == null || as.isEmpty()) && !credential.whole()) {
            return credential.participant;
        }
        if (as == null || as.isEmpty()) {
            throw new HttpError(400, "Name the caller with as=NAME (MH_SYNC_AS for mh-sync).");
        }
        return Names.participant(as);
    }

    private static String segment(List<String> path, int i, String shape) throws HttpError {
        if (path.size() <= i) {
            throw new HttpError(404, "The path is incomplete; use " + shape + ".");
        }
        return path.get(i);
    }

    private static Vote vote(String v) throws HttpError {
        if (v == null || v.isEmpty()) {
            return Vote.YES;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "yes":
                return Vote.YES;
            case "no":
                return Vote.NO;
            default:
                throw new HttpError(400, "The vote [" + RequestParser.printable(v) + "] is neither yes nor no.");
        }
    }

    private static long longParam(HttpRequest r, String name, long dflt) throws HttpError {
        String v = r.param(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "The parameter [" + name + "] must be a number, not [" + RequestParser.printable(v) + "].");
        }
    }

    private static Duration timeout(Scope scope, HttpRequest r, String name, Duration dflt) throws HttpError {
        String v = r.param(name);
        Duration d = v == null || v.isEmpty() ? dflt : Durations.parse(v);
        if (d.compareTo(scope.limits.maxWait) > 0) {
            throw new HttpError(400, "The wait [" + name + "=" + RequestParser.printable(v) + "] is longer than the limit ["
                    + HumanDuration.of(scope.limits.maxWait) + "].");
        }
        return d;
    }
}
