package io.junitmultihost.sync;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.junitmultihost.sync.internal.Durations;
import io.junitmultihost.sync.internal.Names;
import io.junitmultihost.sync.internal.WireFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java client of a sync scope, acting as one participant. Thread-safe: calls may run
 * concurrently (each uses its own connection). Every blocking call has a deadline and fails
 * with {@link SyncTimeoutException} when the server does not answer within it plus a grace.
 *
 * <pre>{@code
 * try (SyncClient sync = SyncClient.connect(scope.endpoint(), "controller")) {
 *     sync.join(Duration.ofSeconds(5));
 *     sync.sync(SyncRequest.to("db-up").with("db1", "app1").timeout(Duration.ofSeconds(30))).orThrow();
 * }
 * }</pre>
 */
public final class SyncClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncClient.class);

    private final SyncEndpoint endpoint;
    private final String participant;
    private final String as;
    private final ClientTransport transport;
    private ScheduledExecutorService heartbeats;
    private ScheduledFuture<?> heartbeat;
    private volatile boolean joinedWithLease;

    private SyncClient(SyncEndpoint endpoint, String participant) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.participant = Names.participant(participant);
        this.as = "as=" + WireFormat.urlEncode(participant);
        this.transport = new ClientTransport(endpoint);
    }

    /**
     * A client for the scope at the endpoint, acting as the participant. Connects lazily.
     *
     * @throws IllegalArgumentException when the participant name is not valid
     */
    public static SyncClient connect(SyncEndpoint endpoint, String participant) {
        return new SyncClient(endpoint, participant);
    }

    /** A client from {@code MH_SYNC_URL}, {@code MH_SYNC_TOKEN} and {@code MH_SYNC_AS}, as set on hosts by the engine. */
    public static SyncClient fromEnvironment() {
        Map<String, String> env = System.getenv();
        String as = env.get(SyncEndpoint.AS_VARIABLE);
        if (as == null) {
            throw new IllegalStateException("The environment lacks [" + SyncEndpoint.AS_VARIABLE + "]; the engine sets it for processes it starts on hosts.");
        }
        return connect(SyncEndpoint.fromEnvironment(env), as);
    }

    /** The participant this client acts as. */
    public String participant() {
        return participant;
    }

    /** The endpoint; its toString hides the token. */
    public SyncEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Joins (or joins again after a reboot) holding a lease renewed by heartbeats every third of
     * it; if the heartbeats stop for the lease's length, the server declares this participant
     * dead and fails what expects it. {@link Duration#ZERO} joins without a lease.
     *
     * @return the server's record, with the syncpoints already passed when this is a rejoin
     */
    public ParticipantInfo join(Duration lease) {
        if (lease.isNegative()) {
            throw new IllegalArgumentException("The lease [" + lease + "] must not be negative.");
        }
        ParticipantInfo info = WireReader.participantInfo(ok(call("POST", "/v1/join?" + as + "&lease=" + Durations.format(lease),
                new byte[0], Duration.ZERO)).fields());
        stopHeartbeats();
        if (!lease.isZero()) {
            long period = Math.max(50, lease.toMillis() / 3);
            synchronized (this) {
                heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "mh-sync-heartbeat-" + participant);
                    t.setDaemon(true);
                    return t;
                });
                heartbeat = heartbeats.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
            }
            joinedWithLease = true;
        }
        return info;
    }

    private void beat() {
        try {
            heartbeat();
        } catch (SyncRejectedException e) {
            LOG.warn("The sync server refused a heartbeat of [{}]; heartbeats stop: {}", participant, e.getMessage());
            stopHeartbeats();
        } catch (SyncException e) {
            LOG.warn("A heartbeat of [{}] failed; retrying: {}", participant, e.getMessage());
        }
    }

    /** Renews the lease once. */
    public void heartbeat() {
        ok(call("POST", "/v1/heartbeat?" + as, new byte[0], Duration.ZERO));
    }

    /** Leaves in good order: stops heartbeats; syncpoints that still expect this participant fail at once, naming it as left. */
    public void leave() {
        stopHeartbeats();
        joinedWithLease = false;
        ok(call("POST", "/v1/leave?" + as, new byte[0], Duration.ZERO));
    }

    private synchronized void stopHeartbeats() {
        if (heartbeats != null) {
            heartbeat.cancel(false);
            heartbeats.shutdownNow();
            heartbeats = null;
        }
    }

    /**
     * Syncs to a syncpoint and waits for its outcome (TETware tet_remsync). A sync that fails
     * (a NO vote, a dead participant, a timeout, an abort) is a result, not an exception; call
     * {@link SyncResult#orThrow()} to turn it into one.
     *
     * @throws SyncRejectedException when the syncpoint already happened for this participant,
     *                               a participant is listed twice, or this participant is dead or removed
     * @throws SyncTimeoutException when the server does not answer within the request's timeout plus a grace
     */
    public SyncResult sync(SyncRequest request) {
        ClientResponse r = call("POST", syncTarget(request), request.messageBytes(), request.timeout());
        return WireReader.syncResult(ok(r).fields(), () -> everyone(request));
    }

    private List<String> everyone(SyncRequest request) {
        List<String> with = request.participants();
        List<String> everyone = new java.util.ArrayList<>(with.size() + 1);
        everyone.addAll(with);
        if (!with.contains(participant)) {
            everyone.add(participant);
        }
        return everyone;
    }

    private String syncTarget(SyncRequest request) {
        StringBuilder target = new StringBuilder(64 + 8 * request.participants().size())
                .append("/v1/sync/").append(request.syncpoint()).append('?').append(as)
                .append("&vote=").append(request.vote() == Vote.YES ? "yes" : "no")
                .append("&timeout=").append(Durations.format(request.timeout()));
        if (request.inactivity() != null) {
            target.append("&wait=").append(Durations.format(request.inactivity()));
        }
        target.append("&with=");
        List<String> with = request.participants();
        for (int i = 0; i < with.size(); i++) {
            WireFormat.urlEncodeInto(i == 0 ? target : target.append(','), with.get(i));
        }
        return target.toString();
    }

    /**
     * Syncs without holding a thread: the call rides on one shared I/O thread per JVM, so a
     * controller can wait at many syncpoints, or act as many participants, at once. The future
     * completes on that thread (chain heavy work with the {@code ...Async} methods), with the
     * result, or exceptionally as {@link #sync(SyncRequest)} would throw.
     */
    public CompletableFuture<SyncResult> syncAsync(SyncRequest request) {
        String target = syncTarget(request);
        return AsyncIo.get().call(endpoint.host(), endpoint.port(), transport.request("POST", target, request.messageBytes()),
                request.timeout().plus(ClientTransport.GRACE), "POST /v1/sync/" + request.syncpoint())
                .thenApply(r -> WireReader.syncResult(ok(r).fields(), () -> everyone(request)));
    }

    /** Syncs with a YES vote and no message; see {@link #sync(SyncRequest)}. */
    public SyncResult sync(String syncpoint, Collection<String> participants, Duration timeout) {
        return sync(SyncRequest.to(syncpoint).with(participants).timeout(timeout));
    }

    /** How the syncpoint stands or ended, for anyone (e.g. a host that came back after a reboot). */
    public SyncResult status(String syncpoint) {
        return WireReader.syncResult(ok(call("GET", "/v1/sync/" + Names.syncpoint(syncpoint), new byte[0], Duration.ZERO)).fields());
    }

    /** The server's record of a participant, if known: liveness and the syncpoints it passed. */
    public Optional<ParticipantInfo> participant(String name) {
        ClientResponse r = call("GET", "/v1/participants/" + Names.participant(name), new byte[0], Duration.ZERO);
        if (r.status == 404) {
            return Optional.empty();
        }
        return Optional.of(WireReader.participantInfo(ok(r).fields()));
    }

    /** lkp's write_state: this participant's state (started, running, failed = abort, ...), role and address; null leaves one unchanged. */
    public void writeState(String state, String role, String address) {
        StringBuilder t = new StringBuilder("/v1/cluster/state?").append(as);
        if (state != null) {
            t.append("&state=").append(WireFormat.urlEncode(state));
        }
        if (role != null) {
            t.append("&role=").append(WireFormat.urlEncode(role));
        }
        if (address != null) {
            t.append("&address=").append(WireFormat.urlEncode(address));
        }
        ok(call("POST", t.toString(), new byte[0], Duration.ZERO));
    }

    /** Sets the cluster members for the waits (the engine usually does). */
    public void defineCluster(Collection<String> members) {
        ok(call("POST", "/v1/cluster/members?" + as + "&with=" + WireFormat.urlEncode(String.join(",", members)), new byte[0],
                Duration.ZERO));
    }

    /** lkp's wait_ready: marks this participant ready and waits until every member is, or returns ABORT at once. */
    public ClusterResult waitReady(Duration timeout) {
        return clusterWait("ready", timeout);
    }

    /** lkp's wait_finish: marks this participant finished and waits until every member is, or returns ABORT at once. */
    public ClusterResult waitFinish(Duration timeout) {
        return clusterWait("finish", timeout);
    }

    private ClusterResult clusterWait(String what, Duration timeout) {
        return WireReader.clusterResult(ok(call("POST", "/v1/cluster/" + what + "?" + as + "&timeout=" + Durations.format(timeout),
                new byte[0], timeout)).fields());
    }

    /** lkp's roles_ip: {@code export ROLE='address ...'} lines to eval in a shell. */
    public String rolesIpExports() {
        return new String(ok(call("GET", "/v1/cluster/roles-ip", new byte[0], Duration.ZERO)).body, StandardCharsets.UTF_8);
    }

    /** Sets a key; returns its new version. */
    public long set(String key, byte[] value) {
        return Long.parseLong(WireReader.text(ok(call("PUT", "/v1/kv/" + Names.key(key) + "?" + as, value, Duration.ZERO))
                .fields().get("version")));
    }

    /** Sets a key to UTF-8 text; returns its new version. */
    public long set(String key, String value) {
        return set(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sets the key only if it holds the expected value, or, with expected null, only if it does not exist.
     *
     * @return true when set, false when the key held something else
     */
    public boolean compareAndSet(String key, String expected, String newValue) {
        String condition = expected == null ? "&absent=true" : "&expect=" + WireFormat.urlEncode(expected);
        ClientResponse r = call("PUT", "/v1/kv/" + Names.key(key) + "?" + as + condition,
                newValue.getBytes(StandardCharsets.UTF_8), Duration.ZERO);
        if (r.status == 412) {
            return false;
        }
        ok(r);
        return true;
    }

    /** The key's value and version, if set. */
    public Optional<KeyValue> get(String key) {
        ClientResponse r = call("GET", "/v1/kv/" + Names.key(key), new byte[0], Duration.ZERO);
        if (r.status == 404) {
            return Optional.empty();
        }
        return Optional.of(keyValue(key, ok(r)));
    }

    /**
     * Waits until the key is set (at once when it already is).
     *
     * @throws SyncTimeoutException when it is not set within the timeout
     * @throws SyncAbortedException when the run's syncs are aborted meanwhile
     */
    public KeyValue waitKey(String key, Duration timeout) {
        return waitKey(key, null, 0, timeout);
    }

    /**
     * Waits until the key holds the value (or, with value null, any value) at a version above afterVersion.
     *
     * @throws SyncTimeoutException when that does not happen within the timeout
     * @throws SyncAbortedException when the run's syncs are aborted meanwhile
     */
    public KeyValue waitKey(String key, String value, long afterVersion, Duration timeout) {
        String t = "/v1/kv/" + Names.key(key) + "?" + as + "&wait=" + Durations.format(timeout) + "&after-version=" + afterVersion
                + (value == null ? "" : "&value=" + WireFormat.urlEncode(value));
        ClientResponse r = call("GET", t, new byte[0], timeout);
        if (r.status == 408) {
            throw new SyncTimeoutException(r.error());
        }
        return keyValue(key, ok(r));
    }

    private static KeyValue keyValue(String key, ClientResponse r) {
        return new KeyValue(key, r.body, Long.parseLong(r.headers.getOrDefault("x-mh-version", "0")));
    }

    /** Aborts the run's syncs with a reason: everyone blocked returns at once with it. */
    public void abort(String reason) {
        ok(call("POST", "/v1/abort?" + as + "&reason=" + WireFormat.urlEncode(reason), new byte[0], Duration.ZERO));
    }

    /** Events after the given sequence number; waits up to the timeout for the first one when there are none yet. */
    public List<SyncEvent> events(long after, Duration timeout) {
        return WireReader.events(ok(call("GET", "/v1/events?after=" + after + "&timeout=" + Durations.format(timeout),
                new byte[0], timeout)).body);
    }

    private ClientResponse call(String method, String target, byte[] body, Duration serverWait) {
        return transport.call(method, target, body, serverWait);
    }

    private static ClientResponse ok(ClientResponse r) {
        if (r.status == 200) {
            return r;
        }
        if (r.aborted()) {
            throw new SyncAbortedException(r.error(), null);
        }
        throw new SyncRejectedException(r.status, r.error());
    }

    /** Leaves (when joined with a lease, best effort) and closes the connections. */
    @Override
    public void close() {
        stopHeartbeats();
        if (joinedWithLease) {
            try {
                leave();
            } catch (SyncException e) {
                LOG.debug("Leaving on close failed for [{}]: {}", participant, e.getMessage());
            }
        }
        transport.close();
    }

    @Override
    public String toString() {
        return "SyncClient[" + participant + " at " + endpoint + "]";
    }
}
