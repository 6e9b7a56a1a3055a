package io.junitmultihost.api;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Remote sync between the test JVM and processes on the test's hosts (TETware's tet_remsync,
 * lkp-tests' cluster state), through the run's barrier server. Injected into test methods; never
 * null.
 *
 * <p>Participants are named: the test JVM is {@link #CONTROLLER}, a process on a host is the
 * host's name. A process on a host reaches the server with nothing installed but curl, through the
 * script at {@link #script(Host)}, started apart from the test JVM's thread with
 * {@link Host#startDetached(Command)} (or {@link Host#start(Command)}), which return at once:
 *
 * <pre>{@code
 * db.startDetached(Command.shell(sync.script(db) + " sync db-up --participants controller --timeout 30s"));
 * sync.remsync("db-up", List.of(db.name()), Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>The server listens on the test JVM's loopback only; each host reaches it through an SSH
 * remote forward, and every call carries a random token of the host's own, which speaks for that
 * host only (never for {@link #CONTROLLER} or another host) and which the engine writes to a file
 * only the host's user can read ({@code ~/.multihost/sync.env}, removed when the class ends). While the engine reboots a
 * host, that host's absence is expected and does not fail a sync; a host that dies, or whose
 * process dies, fails at once every syncpoint it is expected at then, with its name. A new process
 * on the host (in a later test method, say) takes part again.
 *
 * <p>Every failure of a sync, and of the server behind it, is a {@link SyncFailedException} (a
 * {@link MultiHostException}); a name the server refuses is a {@link ConfigurationException}.
 */
public interface Sync {

    /** The participant name of the test JVM: {@value}. */
    String CONTROLLER = "controller";

    /**
     * Meets {@code participants} at {@code syncpoint}, voting YES: returns once every one of them
     * synced YES.
     *
     * @param syncpoint a name, or digits for a numbered syncpoint ({@code "0"}: the next one)
     * @param participants host names (or other participant names), the caller excluded
     * @param timeout the overall deadline
     * @throws SyncFailedException naming each participant's state (not synced, synced NO, timed
     *     out, dead) when the sync did not succeed
     */
    SyncResult remsync(String syncpoint, Collection<String> participants, Duration timeout);

    /**
     * A sync with everything TET offers: vote, message, inactivity wait, numbered syncpoints. Does
     * not throw for a failed sync: read {@link SyncResult#success()} or call
     * {@link SyncResult#orThrow()}.
     */
    SyncResult sync(SyncRequest request);

    /**
     * {@link #sync(SyncRequest)} without holding a thread: for a test that acts on its hosts while
     * it waits at a syncpoint. The future fails with a {@link SyncFailedException} where
     * {@code sync} would throw one.
     */
    CompletableFuture<SyncResult> syncAsync(SyncRequest request);

    /**
     * How {@code syncpoint} stands (outcome {@link SyncOutcome#OPEN} while participants are still
     * arriving) or how it ended; empty while nobody has arrived there yet.
     */
    Optional<SyncResult> status(String syncpoint);

    /** Aborts every sync of this test class with {@code reason}: everyone blocked returns at once. */
    void abort(String reason);

    /** The class's cluster state (lkp-tests): keys, state words, and the ready/finish waits. */
    ClusterState clusterState();

    /**
     * The path of the {@code mh-sync} script on {@code host} as one shell word (quoted when the
     * host's home directory needs it), ready to put in a shell command line; it reads the server's
     * address, the token and the participant name from the file the engine wrote.
     */
    String script(Host host);
}
