package io.junitmultihost.sync.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The running server: the loop, the scopes it serves, and the thread that delivers events to
 * in-process listeners. Internal; {@code io.junitmultihost.sync.SyncServer} is its face.
 */
public final class ServerCore implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    final ServerLoop loop;
    private final ServerLimits limits;
    private final List<Scope> scopes = new CopyOnWriteArrayList<>();
    private final ExecutorService dispatcher;

    private ServerCore(InetSocketAddress bind, ServerLimits limits) {
        this.limits = limits;
        this.dispatcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mh-sync-events");
            t.setDaemon(true);
            return t;
        });
        this.loop = ServerLoop.start(bind, limits, new Api(this));
    }

    /** Binds and starts serving. */
    public static ServerCore start(InetSocketAddress bind, ServerLimits limits) {
        return new ServerCore(bind, limits);
    }

    /** The bound address (the real port when 0 was asked). */
    public InetSocketAddress address() {
        return loop.address();
    }

    /** Opens a scope reached with the given token. */
    public Scope openScope(String label, String token) {
        Scope s = new Scope(label, token, loop, limits, new EventLog(limits.eventCapacity, dispatcher));
        scopes.add(s);
        return s;
    }

    /** Closes a scope: its token stops working, and everyone blocked in it is told the scope was closed. */
    public void closeScope(Scope s) {
        loop.call(() -> {
            s.abortNow("the engine", "the scope [" + s.label + "] was closed", false);
            scopes.remove(s);
            return null;
        }, CALL_TIMEOUT);
    }

    /** Connections held now, for tests and diagnostics. */
    public int connections() {
        return loop.call(loop::connectionCount, CALL_TIMEOUT);
    }

    /** Bytes the connections' read buffers hold now, for tests and diagnostics. */
    public long bufferedBytes() {
        return loop.call(loop::bufferedBytes, CALL_TIMEOUT);
    }

    /** Who the request's token speaks for, or null when it has none or no scope knows it. */
    Credential credentialFor(Map<String, String> headers) {
        String header = headers.get("authorization");
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        } else if (headers.get("x-mh-token") != null) {
            token = headers.get("x-mh-token");
        }
        if (token == null) {
            return null;
        }
        int mark = token.indexOf(Scope.PARTICIPANT_TOKEN_MARK);
        if (mark >= 0) {
            // A participant token: its id is public and picks the credential, its secret is compared in constant time.
            String id = token.substring(0, mark);
            byte[] secret = token.substring(mark + 1).getBytes(StandardCharsets.UTF_8);
            for (Scope s : scopes) {
                Credential c = s.issued(id);
                if (c != null) {
                    return c.matches(secret) ? c : null;
                }
            }
            // No such id: it may be a scope token of the caller's choosing (SyncServerConfig.token) that holds the mark.
        }
        byte[] candidate = token.getBytes(StandardCharsets.UTF_8);
        Credential found = null;
        for (Scope s : scopes) {
            // No early exit: every scope is compared, each in constant time.
            if (s.whole.matches(candidate) && found == null) {
                found = s.whole;
            }
        }
        return found;
    }

    @Override
    public void close() {
        loop.close();
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
