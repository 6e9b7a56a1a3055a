package io.junitmultihost.engine.internal.vm;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A remote JVM's direct connections that have not yet proved they hold the token ({@link DirectLine}):
 * at most {@link #MAX_GREETINGS} at once, a newer one closing the oldest, and each closed at the
 * {@link #DEADLINE}. A process that opens many connections and holds them gets neither a thread
 * each nor the door shut: the controller's greeting takes one round trip, an idle holder's never ends.
 */
final class GreetingGate {

    /** How long a direct connection may take to prove itself. */
    static final Duration DEADLINE = Duration.ofSeconds(5);
    /** Greetings under way at once, at most; the controller opens one connection per call it makes at once. */
    static final int MAX_GREETINGS = 16;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "multihost-vm-direct-greetings");
        thread.setDaemon(true);
        return thread;
    });

    /** The greetings under way, oldest first, each with its deadline. */
    private final Map<Socket, ScheduledFuture<?>> pending = new LinkedHashMap<>();
    private final Consumer<String> log;
    private long overTheCap;
    private long late;

    GreetingGate(Consumer<String> log) {
        this.log = log;
    }

    /** Lets {@code socket} greet, closing the oldest greeting when {@link #MAX_GREETINGS} are under way. */
    synchronized void admit(Socket socket) {
        if (pending.size() >= MAX_GREETINGS) {
            Iterator<Map.Entry<Socket, ScheduledFuture<?>>> oldest = pending.entrySet().iterator();
            Map.Entry<Socket, ScheduledFuture<?>> first = oldest.next();
            oldest.remove();
            first.getValue().cancel(false);
            close(first.getKey());
            if (++overTheCap <= 5 || overTheCap % 1000 == 0) {
                log.accept("closed a direct connection from [" + address(first.getKey()) + "] unread: "
                        + MAX_GREETINGS + " more recent ones were greeting (" + overTheCap + " so far)");
            }
        }
        pending.put(socket, TIMER.schedule(() -> expire(socket), DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The greeting on {@code socket} ended, either way; false when the gate closed it (it is no good then). */
    synchronized boolean done(Socket socket) {
        ScheduledFuture<?> deadline = pending.remove(socket);
        if (deadline == null) {
            return false;
        }
        deadline.cancel(false);
        return true;
    }

    private synchronized void expire(Socket socket) {
        if (pending.remove(socket) != null) {
            close(socket);
            if (++late <= 5 || late % 1000 == 0) {
                log.accept("closed a direct connection from [" + address(socket) + "] unread: it did not prove itself"
                        + " within " + DEADLINE.toSeconds() + " s (" + late + " so far)");
            }
        }
    }

    private static String address(Socket socket) {
        return socket.getInetAddress() == null ? "?" : socket.getInetAddress().getHostAddress();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing it is the point
        }
    }
}
