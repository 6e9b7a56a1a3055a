package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.ClusterState;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.SyncFailedException;
import io.junitmultihost.api.SyncOutcome;
import io.junitmultihost.api.SyncRequest;
import io.junitmultihost.api.SyncResult;
import io.junitmultihost.sync.SyncClient;
import io.junitmultihost.sync.SyncEndpoint;
import io.junitmultihost.sync.SyncRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Sync} of one named participant over its barrier-server client: the test JVM's (inside
 * {@link ClassSync}) or a remote JVM's, which reaches the server through its host's forward with the
 * host's {@code sync.env}. Internal.
 */
public final class ParticipantSync implements Sync {

    private final SyncClient client;
    private final ClusterState clusterState;
    private final TimeoutNotes notes;

    ParticipantSync(SyncClient client, TimeoutNotes notes) {
        this.client = client;
        this.notes = notes;
        this.clusterState = new ControllerClusterState(client, notes);
    }

    /**
     * The sync of participant {@code name} on a host whose {@code sync.env} (written by the engine,
     * readable by the host's user only) is at {@code envFile}.
     */
    public static ParticipantSync onHost(Path envFile, String name) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(envFile)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String value = line.substring(eq + 1);
                if (value.startsWith("'") && value.endsWith("'") && value.length() >= 2) {
                    value = value.substring(1, value.length() - 1).replace("'\\''", "'");
                }
                env.put(line.substring(0, eq), value);
            }
        }
        return new ParticipantSync(SyncClient.connect(SyncEndpoint.fromEnvironment(env), name), TimeoutNotes.NONE);
    }

    SyncClient client() {
        return client;
    }

    @Override
    public SyncResult remsync(String syncpoint, Collection<String> participants, Duration timeout) {
        // a failure's reason already holds who waits where and the hosts' last log lines (see sync)
        return sync(SyncRequest.to(syncpoint).with(participants).timeout(timeout)).orThrow();
    }

    /**
     * Waits as {@link #syncAsync} does, so that an interrupted caller (a test past its deadline)
     * stops waiting at once instead of in a socket read that no interrupt wakes.
     */
    @Override
    public SyncResult sync(SyncRequest request) {
        CompletableFuture<SyncResult> answer = syncAsync(request);
        try {
            return withNotes(answer.get());
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new io.junitmultihost.api.MultiHostException("Interrupted while waiting at syncpoint ["
                    + request.syncpoint() + "].", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                failure.fillInStackTrace(); // made on the client's I/O thread: show where the caller waited
                throw failure;
            }
            throw new io.junitmultihost.api.MultiHostException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    /**
     * A sync that timed out or failed, its reason made one message: the server's sentence, who waits
     * where, and the involved hosts' last log lines (asked within a second); others unchanged.
     */
    private SyncResult withNotes(SyncResult result) {
        if (result.success() || (result.outcome() != SyncOutcome.TIMED_OUT && result.outcome() != SyncOutcome.FAILED)) {
            return result;
        }
        String about = notes.about(result.states().keySet());
        if (about.isEmpty()) {
            return result;
        }
        String reason = new SyncFailedException(result).getMessage() + about;
        return new SyncResult(result.syncpoint(), result.outcome(), false, result::states, result.removed(),
                result.message().orElse(null), reason);
    }

    @Override
    public CompletableFuture<SyncResult> syncAsync(SyncRequest request) {
        io.junitmultihost.sync.SyncRequest r = SyncFailures.around(() -> SyncValues.toServer(request));
        CompletableFuture<SyncResult> result = new CompletableFuture<>();
        try {
            client.syncAsync(r).whenComplete((done, failure) -> {
                if (failure == null) {
                    result.complete(SyncValues.toApi(done));
                } else {
                    result.completeExceptionally(SyncFailures.translate(failure));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(SyncFailures.translate(e));
        }
        return result;
    }

    @Override
    public Optional<SyncResult> status(String syncpoint) {
        try {
            return Optional.of(SyncFailures.around(() -> SyncValues.toApi(client.status(syncpoint))));
        } catch (SyncFailedException e) {
            if (e.getCause() instanceof SyncRejectedException rejected && rejected.status() == 404) {
                return Optional.empty();        // nobody has arrived there yet
            }
            throw e;
        }
    }

    @Override
    public ClusterState clusterState() {
        return clusterState;
    }

    @Override
    public void abort(String reason) {
        SyncFailures.around(() -> {
            client.abort(reason);
            return null;
        });
    }

    /** Refused: inside a remote JVM, the hosts' scripts are the test JVM's business. */
    @Override
    public String script(Host host) {
        throw new UnsupportedOperationException("Sync.script is for the test JVM; a remote JVM syncs with its own"
                + " Sync (VmContext.current().get().sync()).");
    }

    @Override
    public String toString() {
        return "Sync[" + client.participant() + "]";
    }
}
