package io.junitmultihost.api;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * lkp-tests' cluster state on the class's sync server, as the test JVM ({@link Sync#CONTROLLER})
 * sees it: keys any participant can set and wait for, each participant's state word, and the
 * ready/finish waits. Processes on hosts reach the same state with {@code mh-sync set}, {@code get},
 * {@code wait-key}, {@code state}, {@code ready} and {@code finish}. From {@link Sync#clusterState()}.
 *
 * <pre>{@code
 * sync.clusterState().set("db/url", "postgres://" + db.address() + "/app");
 * // on each app host: mh-sync wait-key db/url --timeout 30s && mh-sync ready --participants controller,app1,app2
 * sync.clusterState().waitReady(List.of("controller", "app1", "app2"), Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Every failure is a {@link SyncFailedException} ({@link SyncAbortedException} once the class's
 * syncs were aborted); a key or name the server refuses is a {@link ConfigurationException}.
 */
public interface ClusterState {

    /** Sets {@code key} to {@code value}; returns its new version (1 for the first set). */
    long set(String key, String value);

    /** The value of {@code key}, or empty when it is not set. */
    Optional<String> get(String key);

    /**
     * Sets {@code key} to {@code newValue} only if it holds {@code expected}, or, with
     * {@code expected} null, only if it is not set.
     *
     * @return true when set, false when the key held something else
     */
    boolean compareAndSet(String key, String expected, String newValue);

    /**
     * Waits until {@code key} is set (returns at once when it is) and returns its value.
     *
     * @throws SyncFailedException naming the key when it is not set within {@code timeout}
     */
    String waitKey(String key, Duration timeout);

    /** lkp's write_state for the test JVM: its state word ({@code abort} or {@code failed} aborts the waits), role and address; null leaves one unchanged. */
    void writeState(String state, String role, String address);

    /**
     * lkp's wait_ready: marks the test JVM ready and waits until every member is.
     *
     * @param members every member of the cluster, the test JVM ({@link Sync#CONTROLLER}) among them;
     *     the first wait sets them, and every later one must name the same
     * @return each member's last state word
     * @throws SyncAbortedException at once when a member aborted, failed or died, or the syncs were aborted
     * @throws SyncFailedException naming who was missing when {@code timeout} passed
     */
    Map<String, String> waitReady(Collection<String> members, Duration timeout);

    /** lkp's wait_finish: as {@link #waitReady} for finished. */
    Map<String, String> waitFinish(Collection<String> members, Duration timeout);
}
