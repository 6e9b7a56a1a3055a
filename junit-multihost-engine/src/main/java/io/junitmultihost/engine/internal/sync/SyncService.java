package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.sync.SyncServer;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's barrier server, started on first use and closed with the launcher session. It listens
 * on the test JVM's loopback only; hosts reach it through SSH remote forwards. Internal.
 */
public final class SyncService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);

    private final Duration setupDeadline;
    private SyncServer server;
    private boolean closed;

    /** @param setupDeadline how long setting a host up for sync (forward, files) may take */
    public SyncService(Duration setupDeadline) {
        this.setupDeadline = setupDeadline;
    }

    /**
     * A Sync handle for one test class over its hosts: a scope of its own (syncpoints, aborts and
     * keys stay inside it), with each host set up to reach the server.
     */
    public synchronized ClassSync open(String owner, List<Host> hosts, HostEvents events) {
        if (closed) {
            throw new IllegalStateException("The sync service is closed; class [" + owner + "] came too late.");
        }
        if (server == null) {
            server = SyncFailures.around(SyncServer::start);
            LOG.info("Sync server listening on [127.0.0.1:{}] (loopback only; hosts reach it through SSH forwards).",
                    server.port());
        }
        return new ClassSync(owner, server, hosts, events, setupDeadline);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
