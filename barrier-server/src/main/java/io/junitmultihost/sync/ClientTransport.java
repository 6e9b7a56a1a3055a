package io.junitmultihost.sync;

import io.junitmultihost.sync.internal.HumanDuration;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's calls to the server: a small pool of keep-alive connections, one per call in
 * flight, and a deadline on every call (the server's own wait plus a grace for the network).
 */
final class ClientTransport implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ClientTransport.class);
    static final Duration GRACE = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Below the server's idle timeout, so the client rarely picks a connection the server is about to close. */
    static final long MAX_IDLE_NANOS = Duration.ofSeconds(60).toNanos();

    private final SyncEndpoint endpoint;
    private final String hostHeader;
    private final byte[] authorization;
    private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
    private volatile boolean closed;

    ClientTransport(SyncEndpoint endpoint) {
        this.endpoint = endpoint;
        this.hostHeader = endpoint.host() + ":" + endpoint.port();
        this.authorization = ("Authorization: Bearer " + endpoint.token() + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Makes one call.
     *
     * @param serverWait how long the server may hold the call before answering (zero for quick calls)
     * @throws SyncTimeoutException when no answer comes within serverWait plus the grace
     * @throws SyncException when the server cannot be reached
     */
    ClientResponse call(String method, String target, byte[] body, Duration serverWait) {
        if (closed) {
            throw new SyncException("This sync client is closed; open a new one.");
        }
        byte[] request = request(method, target, body);
        Duration deadline = serverWait.plus(GRACE);
        int readTimeout = (int) Math.min(Integer.MAX_VALUE, deadline.toMillis());
        for (int attempt = 0; ; attempt++) {
            ClientConnection c = borrow();
            try {
                ClientResponse r = c.exchange(request, readTimeout);
                if ("close".equalsIgnoreCase(r.headers.get("connection"))) {
                    c.close();
                } else {
                    giveBack(c);
                }
                return r;
            } catch (ClientConnection.StaleException e) {
                c.close();
                if (attempt > 0) {
                    throw new SyncException("The sync server [" + hostHeader + "] closed the connection during [" + method + " "
                            + path(target) + "] twice; check that it still runs.", e);
                }
                LOG.debug("A pooled connection to [{}] was stale; retrying on a new one.", hostHeader);
            } catch (SocketTimeoutException e) {
                c.close();
                throw new SyncTimeoutException("The sync server [" + hostHeader + "] did not answer [" + method + " " + path(target)
                        + "] within [" + HumanDuration.of(deadline) + "]; check that it runs and that the link to it is up.", e);
            } catch (IOException e) {
                c.close();
                throw new SyncException("The connection to the sync server [" + hostHeader + "] failed during [" + method + " "
                        + path(target) + "]: " + e.getMessage() + "; check that it runs and that the link to it is up.", e);
            }
        }
    }

    private static String path(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    byte[] request(String method, String target, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(target.length() + 160 + body.length);
        out.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(authorization);
        out.writeBytes(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private ClientConnection borrow() {
        synchronized (idle) {
            long now = System.nanoTime();
            ClientConnection c;
            while ((c = idle.pollLast()) != null) {
                if (now - c.lastUsed < MAX_IDLE_NANOS) {
                    return c;
                }
                c.close();
            }
        }
        try {
            return ClientConnection.open(endpoint.host(), endpoint.port(), (int) CONNECT_TIMEOUT.toMillis());
        } catch (ConnectException e) {
            throw new SyncException("Could not connect to the sync server [" + hostHeader + "]: " + e.getMessage()
                    + "; check MH_SYNC_URL and the port forward.", e);
        } catch (IOException e) {
            throw new SyncException("Could not connect to the sync server [" + hostHeader + "] within ["
                    + HumanDuration.of(CONNECT_TIMEOUT) + "]: " + e.getMessage() + "; check MH_SYNC_URL and the port forward.", e);
        }
    }

    private void giveBack(ClientConnection c) {
        synchronized (idle) {
            if (!closed && idle.size() < 8) {
                idle.addLast(c);
                return;
            }
        }
        c.close();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.forEach(ClientConnection::close);
            idle.clear();
        }
    }
}
