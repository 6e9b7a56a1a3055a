package io.junitmultihost.engine.internal.vm;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of one blocking socket operation, kept by a watchdog thread rather than by a read
 * timeout: a socket given a timeout reads through poll(2) and a second read(2) for good, which a
 * direct call to a remote JVM would pay each time. Past its deadline the socket is closed (the
 * blocked operation then fails, and {@link #expired()} says why); a little earlier, an optional
 * step runs (asking for a thread dump that then comes within the deadline). Precision: 5 ms.
 */
final class SocketWatch implements AutoCloseable {

    private static final long TICK_MILLIS = 5;
    private static final Set<SocketWatch> WATCHED = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "multihost-vm-direct-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    static {
        WATCHDOG.scheduleAtFixedRate(SocketWatch::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private final Closeable socket;
    private final long dueAt;
    private final long nearlyAt;
    private final Runnable nearly;
    private volatile boolean nearlyDone;
    private volatile boolean expired;

    private SocketWatch(Closeable socket, long dueAt, long nearlyAt, Runnable nearly) {
        this.socket = socket;
        this.dueAt = dueAt;
        this.nearlyAt = nearlyAt;
        this.nearly = nearly;
    }

    /** Watches {@code socket} for {@code deadline}. */
    static SocketWatch start(Closeable socket, Duration deadline) {
        return start(socket, deadline, Duration.ZERO, null);
    }

    /** Watches {@code socket} for {@code deadline}; {@code nearly} runs (on another thread) {@code margin} before it ends. */
    static SocketWatch start(Closeable socket, Duration deadline, Duration margin, Runnable nearly) {
        long now = System.nanoTime();
        SocketWatch watch = new SocketWatch(socket, now + deadline.toNanos(), now + deadline.minus(margin).toNanos(),
                nearly);
        WATCHED.add(watch);
        return watch;
    }

    /** Whether the deadline passed and the socket was closed for it. */
    boolean expired() {
        return expired;
    }

    /** The operation ended in time: nothing more is watched. */
    @Override
    public void close() {
        WATCHED.remove(this);
    }

    private static void tick() {
        long now = System.nanoTime();
        for (SocketWatch watch : WATCHED) {
            if (watch.nearly != null && !watch.nearlyDone && now - watch.nearlyAt >= 0) {
                watch.nearlyDone = true;
                VmMaster.ASYNC.execute(watch.nearly);
            }
            if (now - watch.dueAt >= 0) {
                watch.expired = true;
                WATCHED.remove(watch);
                try {
                    watch.socket.close();
                } catch (IOException | RuntimeException ignored) {
                    // closing it is the point
                }
            }
        }
    }
}
