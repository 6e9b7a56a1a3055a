package io.junitmultihost.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import io.junitmultihost.sync.internal.ServerCore;
import io.junitmultihost.sync.internal.ServerLimits;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The barrier and sync server of a run: TETware-style syncpoints, leases, lkp cluster state, a
 * key-value store, abort and an event stream, over HTTP/1.1 with long-polling. One thread serves
 * every connection, so thousands of waiting hosts cost no threads. It listens on loopback unless
 * told otherwise; hosts reach it through SSH remote forwards, with a token per scope.
 *
 * <pre>{@code
 * try (SyncServer server = SyncServer.start()) {
 *     SyncScope scope = server.scope();
 *     // hosts: MH_SYNC_URL=http://127.0.0.1:<forwarded port> MH_SYNC_TOKEN=<scope.endpoint().token()> mh-sync ready
 * }
 * }</pre>
 */
public final class SyncServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Where {@code mh-sync} lives in this jar. */
    public static final String SCRIPT_RESOURCE = "/io/junitmultihost/sync/mh-sync";

    private final ServerCore core;
    private final SyncScope defaultScope;
    private final String host;

    private SyncServer(SyncServerConfig config) {
        ServerLimits limits = new ServerLimits(config.maxConnections(), config.maxHeaderBytes(), config.maxBodyBytes(),
                config.requestTimeout(), config.idleTimeout(), config.writeTimeout(), config.defaultWait(), config.maxWait(),
                config.eventCapacity(), config.maxKeys(), config.maxKeyBytes(), config.maxUnauthenticated(),
                config.authTimeout());
        this.core = ServerCore.start(new InetSocketAddress(config.bindAddress(), config.port()), limits);
        InetSocketAddress bound = core.address();
        this.host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        String token = config.token() != null ? config.token() : newToken();
        this.defaultScope = new SyncScope(core, core.openScope("default", token), endpoint(token), false);
        LOG.debug("Sync server listening on [{}:{}].", host, bound.getPort());
    }

    /** Starts a server with the defaults: 127.0.0.1, an ephemeral port, a random token. */
    public static SyncServer start() {
        return start(SyncServerConfig.defaults());
    }

    /**
     * Starts a server.
     *
     * @throws UncheckedIOException naming the address when it cannot listen there
     */
    public static SyncServer start(SyncServerConfig config) {
        return new SyncServer(config);
    }

    /** A fresh random token: 256 bits, URL-safe Base64. */
    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private SyncEndpoint endpoint(String token) {
        return SyncEndpoint.of("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port(), token);
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return core.address();
    }

    /** The bound port (the real one when 0 was asked). */
    public int port() {
        return core.address().getPort();
    }

    /** The default scope, with the configured or a random token. */
    public SyncScope scope() {
        return defaultScope;
    }

    /** Opens another scope with its own random token, e.g. one per distributed test; close it when the test ends. */
    public SyncScope openScope(String label) {
        String token = newToken();
        return new SyncScope(core, core.openScope(label, token), endpoint(token), true);
    }

    /** The text of the {@code mh-sync} POSIX sh script that the engine uploads to hosts (needs only curl there). */
    public static String script() {
        try (InputStream in = SyncServer.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The jar lacks [" + SCRIPT_RESOURCE + "]; rebuild barrier-server.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read [" + SCRIPT_RESOURCE + "] from the jar.", e);
        }
    }

    /** Stops serving: every connection is closed, so waiting clients see the end at once. */
    @Override
    public void close() {
        core.close();
        LOG.debug("Sync server on [{}:{}] stopped.", host, port());
    }

    @Override
    public String toString() {
        return "SyncServer[" + host + ":" + port() + "]";
    }

    /**
     * Runs the server on its own: {@code java -jar junit-multihost-barrier-server-standalone.jar
     * [--bind ADDR] [--port N] [--token-file PATH] [--print-script]}.
     */
    public static void main(String[] args) {
        System.exit(SyncServerMain.run(args, System.out, System.err, Duration.ZERO));
    }
}
