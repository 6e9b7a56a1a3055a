package io.junitmultihost.sync.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one thread: a selector over every connection, a timer queue and a task queue.
 * All state of the sync server is touched only here, so it needs no locks; other threads hand
 * work in with {@link #call} or {@link #execute}. Thousands of waiting clients cost a buffer
 * each, not a thread.
 */
public final class ServerLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerLoop.class);
    private static final long SWEEP_NANOS = 100_000_000L;
    static final String TOO_MANY = "The sync server holds too many connections; retry later.";
    static final String UNAUTHENTICATED = "A valid token is required: send the header Authorization: Bearer TOKEN (MH_SYNC_TOKEN).";
    private static final byte[] BUSY = Reply.error(503, TOO_MANY).render(true, false);

    /** What the loop calls for each request; {@link #handle} must answer through {@link Connection#respond} now or later. */
    interface Handler {
        /**
         * Checks the token of a request whose head has arrived, before its body is read.
         *
         * @return who the token speaks for, handed on with the request; null refuses it with 401
         */
        Object authenticate(RequestHead head);

        void handle(Connection connection, HttpRequest request);
    }

    final Handler handler;
    private final ServerLimits limits;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final java.util.ArrayDeque<Runnable> afterIo = new java.util.ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Set<Connection> connections = new HashSet<>();
    /** Connections with no valid token yet, oldest first: a pool of their own, so they never crowd out the others. */
    private final LinkedHashSet<Connection> strangers = new LinkedHashSet<>();
    private final int maxStrangers;
    private final InetSocketAddress address;
    private volatile boolean running = true;
    private long nextSweep;

    private ServerLoop(InetSocketAddress bind, ServerLimits limits, Handler handler) throws IOException {
        this.handler = handler;
        this.limits = limits;
        this.maxStrangers = Math.min(limits.maxUnauthenticated, limits.maxConnections);
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(bind, 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.thread = new Thread(this::run, "mh-sync-server-" + address.getPort());
        thread.setDaemon(true);
    }

    /**
     * Binds and starts the loop thread.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    static ServerLoop start(InetSocketAddress bind, ServerLimits limits, Handler handler) {
        try {
            ServerLoop loop = new ServerLoop(bind, limits, handler);
            loop.thread.start();
            return loop;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not listen on [" + bind + "]: " + e.getMessage()
                    + "; choose a free port or another address.", e);
        }
    }

    InetSocketAddress address() {
        return address;
    }

    long now() {
        return System.nanoTime();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs the task on the loop thread soon. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    /**
     * Runs the task on the loop thread and waits for its result.
     *
     * @throws IllegalStateException when the server is closed or the loop does not answer within the timeout
     */
    <T> T call(Callable<T> task, Duration timeout) {
        if (inLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (!running) {
            throw new IllegalStateException("The sync server on [" + address + "] is closed.");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The sync server on [" + address + "] did not answer within [" + HumanDuration.of(timeout) + "].");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the sync server on [" + address + "].");
        }
    }

    /**
     * Runs the action in this loop turn, once the loop has taken in every connection event that
     * has reached the kernel by then: a client that just went away is known to be gone before the
     * action runs. This is the server's "ping every waiter before a release" (autotest pings its
     * waiters), at the cost of one non-blocking select instead of a probe per waiter. Loop thread only.
     */
    void afterPendingIo(Runnable action) {
        afterIo.add(action);
    }

    /** Schedules an action on the loop thread at a nanoTime instant; loop thread only. */
    Timer schedule(long at, Runnable action) {
        Timer t = new Timer(at, action);
        timers.add(t);
        return t;
    }

    void forget(Connection c) {
        connections.remove(c);
        strangers.remove(c);
    }

    /**
     * The connection sent its first request with a valid token: it leaves the strangers' pool.
     *
     * @return false when the connections with a token are at their limit (the request is refused with 503)
     */
    boolean authenticated(Connection c) {
        strangers.remove(c);
        if (connections.size() - strangers.size() > limits.maxConnections) {
            return false;
        }
        c.authenticated = true;
        return true;
    }

    long bufferedBytes() {
        long sum = 0;
        for (Connection c : connections) {
            sum += c.bufferCapacity();
        }
        return sum;
    }

    int connectionCount() {
        return connections.size();
    }

    private void run() {
        nextSweep = now() + SWEEP_NANOS;
        while (running) {
            try {
                long now = now();
                long wait = Math.min(nextSweep - now, timers.isEmpty() ? Long.MAX_VALUE : timers.peek().at - now);
                // The action form of select: no selected-key set, whose iteration costs its largest size ever at every turn.
                if (!tasks.isEmpty() || wait <= 0) {
                    selector.selectNow(this::handleKey);
                } else {
                    selector.select(this::handleKey, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
                }
                runTasks();
                while (!afterIo.isEmpty()) {
                    selector.selectNow(this::handleKey);
                    Runnable r;
                    while ((r = afterIo.poll()) != null) {
                        r.run();
                    }
                }
                runTimers();
                if (now() - nextSweep >= 0) {
                    sweep();
                    nextSweep = now() + SWEEP_NANOS;
                }
            } catch (Throwable t) {
                // One bad turn must not stop the server for everyone else.
                LOG.error("The sync server loop on [{}] hit an unexpected error; it keeps serving.", address, t);
            }
        }
        shutdown();
    }

    private void handleKey(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept();
            return;
        }
        Connection c = (Connection) key.attachment();
        try {
            if (key.isWritable()) {
                c.onWritable();
            }
            if (key.isValid() && key.isReadable()) {
                c.onReadable();
            }
        } catch (RuntimeException e) {
            LOG.error("The sync server failed on the connection from [{}]; closing it.", c.peer, e);
            c.close("internal error");
        }
    }

    private void accept() {
        for (int i = 0; i < 256; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                LOG.warn("Accepting a connection on [{}] failed: {}; the server goes on.", address, e.getMessage());
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (connections.size() >= limits.maxConnections + maxStrangers) {
                    ch.write(ByteBuffer.wrap(BUSY));
                    ch.close();
                    continue;
                }
                if (strangers.size() >= maxStrangers) {
                    // The oldest stranger had the longest time to send its token; a client that sends its request
                    // at once is read long before as many new connections arrive after it.
                    strangers.iterator().next().close("too many connections without a token; this was the oldest");
                }
                Connection c = new Connection(this, ch, limits);
                c.register(ch.register(selector, SelectionKey.OP_READ, c));
                connections.add(c);
                strangers.add(c);
            } catch (IOException e) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // Nothing more to do for a connection that failed at once.
                }
            }
        }
    }

    private void runTasks() {
        Runnable r;
        int budget = 10_000;
        while (budget-- > 0 && (r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("A sync server task failed; the server goes on.", e);
            }
        }
    }

    private void runTimers() {
        long now = now();
        Timer t;
        while ((t = timers.peek()) != null && t.at - now <= 0) {
            timers.poll();
            if (!t.cancelled()) {
                try {
                    t.action.run();
                } catch (RuntimeException e) {
                    LOG.error("A sync server timer failed; the server goes on.", e);
                }
            }
        }
    }

    /** Drops clients that are too slow to send, too slow to read, or idle too long. */
    private void sweep() {
        long now = now();
        for (Connection c : new ArrayList<>(connections)) {
            if (c.lingering()) {
                if (now - c.lingerUntil > 0) {
                    c.close("linger time over");
                }
            } else if (c.writeStalledSince != 0 && now - c.writeStalledSince > limits.writeTimeoutNanos) {
                c.close("the client did not read its reply within the write timeout");
            } else if (!c.busy() && c.requestStarted != 0 && now - c.requestStarted > limits.requestTimeoutNanos) {
                c.refuse(Reply.error(408, "The request was not complete within ["
                        + HumanDuration.of(Duration.ofNanos(limits.requestTimeoutNanos)) + "]; send whole requests promptly."));
            } else if (!c.authenticated && now - c.accepted > limits.authTimeoutNanos) {
                c.close("no request with a valid token within the authentication timeout");
            } else if (c.idle() && now - c.lastActivity > limits.idleTimeoutNanos) {
                c.close("idle for longer than the idle timeout");
            }
        }
    }

    /** Stops the loop, closes every connection (waiting clients see the end of stream) and the listening socket. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void shutdown() {
        for (Connection c : new ArrayList<>(connections)) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
        connections.clear();
        strangers.clear();
        try {
            server.close();
            selector.close();
        } catch (IOException e) {
            LOG.debug("Closing the sync server on [{}] reported: {}", address, e.getMessage());
        }
    }
}
