package io.junitmultihost.sync;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.junitmultihost.sync.internal.Scope;
import io.junitmultihost.sync.internal.ServerCore;

/**
 * One isolated set of syncpoints, participants, cluster state, keys and events on a
 * {@link SyncServer}, reached with its own token: the engine's handle on it. Participants use
 * {@link #client(String)} in the JVM, or curl and {@code mh-sync} on hosts with
 * {@link #endpoint()}'s URL and token. Each method here waits at most a few seconds for the
 * server's thread.
 */
public final class SyncScope implements AutoCloseable {

    private static final String ENGINE = "the engine";

    private final ServerCore core;
    private final Scope scope;
    private final SyncEndpoint endpoint;
    private final boolean closable;

    SyncScope(ServerCore core, Scope scope, SyncEndpoint endpoint, boolean closable) {
        this.core = core;
        this.scope = scope;
        this.endpoint = endpoint;
        this.closable = closable;
    }

    /** The scope's label, for logs. */
    public String label() {
        return scope.label();
    }

    /** The server's URL and this scope's token; {@link SyncEndpoint#at} gives the view through a port forward. */
    public SyncEndpoint endpoint() {
        return endpoint;
    }

    /**
     * The URL and a token of this scope that speaks for the participant only: what the engine hands
     * a host. With it a caller may act as the participant, or as a name no one reserved (a remote
     * JVM's), never as the controller or another participant that has a token of its own; it cannot
     * set the cluster members. The participant's name is reserved from now on; it gets the same
     * token each time. See docs/SYNC.md, "Who may speak for whom".
     */
    public SyncEndpoint participantEndpoint(String participant) {
        return SyncEndpoint.of(endpoint.url().toString(), scope.participantToken(participant, SyncServer::newToken));
    }

    /**
     * From now on only this scope's own token and the participant's own token (see
     * {@link #participantEndpoint}) may speak for the participant, e.g. the controller.
     */
    public void reserve(String participant) {
        scope.reserve(participant);
    }

    /** A client acting as the participant, connected to this scope over loopback. */
    public SyncClient client(String participant) {
        return SyncClient.connect(endpoint, participant);
    }

    /** Aborts every sync of the scope, as the engine: everyone blocked returns at once with the reason, and later blocking calls too. */
    public void abort(String reason) {
        scope.abort(ENGINE, reason);
    }

    /** Aborts as the named party (a failing test part, say). */
    public void abort(String by, String reason) {
        scope.abort(by, reason);
    }

    /**
     * The participant will be away on purpose (its host reboots, its JVM is stopped): a lapsed
     * lease or dropped connection is not death, and syncpoints wait for it within their
     * timeouts. It ends when the participant joins again, or with {@link #endAbsence}.
     */
    public void expectAbsence(String participant, String reason) {
        scope.expectAbsence(participant, reason);
    }

    /** The participant is back: its lease counts again. */
    public void endAbsence(String participant) {
        scope.endAbsence(participant);
    }

    /** The participant will never come back (start mode NEVER): removed from open and later syncpoints and from the cluster. */
    public void remove(String participant, String reason) {
        scope.remove(participant, reason);
    }

    /** The engine knows the participant's host or process is gone: it is dead at once and what expects it fails now, naming the cause. */
    public void declareDead(String participant, String cause) {
        scope.declareDead(participant, cause);
    }

    /** Sets the cluster members that lkp's wait_ready and wait_finish wait for. */
    public void defineCluster(Collection<String> members) {
        scope.defineCluster(members);
    }

    /**
     * Sets the members that lkp's wait_ready and wait_finish wait for when the wait names none and
     * no one defined them ({@link #defineCluster}, a wait's {@code with=}): the engine's default, which
     * a later call replaces and which never makes an explicit set a second, different one.
     */
    public void defaultCluster(Collection<String> members) {
        scope.defaultCluster(members);
    }

    /**
     * Writes the participant's role and address into the cluster state (lkp's write_state without a
     * state word), so that roles_ip names it before it writes anything itself.
     */
    public void describe(String participant, String role, String address) {
        scope.describe(participant, role, address);
    }

    /** What the server knows of the participant. */
    public Optional<ParticipantInfo> participant(String name) {
        return Optional.ofNullable(scope.participant(name));
    }

    /** Role to addresses, as roles_ip exports them. */
    public Map<String, List<String>> roles() {
        return scope.roles();
    }

    /** The held events after the given sequence number (0 for all), in order. */
    public List<SyncEvent> events(long after) {
        return scope.events(after);
    }

    /**
     * Subscribes to the event stream: the listener first gets the held events after the given
     * sequence number, then every new one, in order, on the server's event thread (never on the
     * thread that serves requests, so a slow listener delays only other listeners).
     *
     * @return closing it stops deliveries
     */
    public AutoCloseable subscribe(long after, Consumer<SyncEvent> listener) {
        return scope.subscribe(after, listener);
    }

    /** Connections the server holds now, over all scopes. */
    public int connections() {
        return core.connections();
    }

    /** Closes the scope: everyone blocked in it is told it was aborted, and its token stops working. The default scope closes with the server. */
    @Override
    public void close() {
        if (closable) {
            core.closeScope(scope);
        }
    }

    @Override
    public String toString() {
        return "SyncScope[" + scope.label() + " at " + endpoint + "]";
    }
}
