package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.engine.internal.hosts.HostLease;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.platform.engine.CancellationToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Honours the platform's cancellation of a run ({@link CancellationToken}: an IDE's stop button, a
 * launcher's fail-fast) where the platform cannot: the platform skips what has not started, but a
 * class may be waiting for hosts or for a reboot. Classes waiting for hosts ask {@link #requested()};
 * for classes holding hosts a watcher (polling, as the token has no listeners) cancels, once, what
 * they have in flight (reboots, fan-out calls, commands), so their waits end at once; their
 * {@code @MultiHostAfterAll} methods still run to clean up, and their hosts go back as they end.
 * Internal.
 */
final class RunCancellation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunCancellation.class);
    private static final long POLL_MILLIS = 100;

    private final CancellationToken token;
    private final Set<HostLease> running = ConcurrentHashMap.newKeySet();
    /** Leases whose work in flight was cancelled: once only, so that what their classes start to clean up runs. */
    private final Set<HostLease> cancelled = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ScheduledExecutorService watcher;

    private RunCancellation(CancellationToken token, boolean watch) {
        this.token = token;
        if (watch) {
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "multihost-cancel-watch");
                thread.setDaemon(true);
                return thread;
            });
            watcher.scheduleWithFixedDelay(this::check, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            watcher = null;
        }
    }

    /** Watches {@code token}; a run that cannot be cancelled needs no watcher. */
    static RunCancellation of(CancellationToken token) {
        return new RunCancellation(token, token != CancellationToken.disabled());
    }

    /** A run that is never cancelled. */
    static RunCancellation never() {
        return new RunCancellation(CancellationToken.disabled(), false);
    }

    /** Whether the run was cancelled. */
    boolean requested() {
        return token.isCancellationRequested();
    }

    /** {@code lease}'s class runs: stopped when the run is cancelled (at once when it already was). */
    void running(HostLease lease) {
        running.add(lease);
        if (requested()) {
            stop(lease);
        }
    }

    /** {@code lease}'s class ended. */
    void ended(HostLease lease) {
        running.remove(lease);
        cancelled.remove(lease);
    }

    private void check() {
        if (requested() && stopped.compareAndSet(false, true)) {
            LOG.warn("The run was cancelled; stopping what its [{}] running classes started.", running.size());
        }
        if (requested()) {
            running.forEach(this::stop);
        }
    }

    private void stop(HostLease lease) {
        if (cancelled.add(lease)) {
            lease.started().cancelInFlight();
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
