package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.ClusterState;
import io.junitmultihost.api.Command;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.SyncRequest;
import io.junitmultihost.api.SyncResult;
import io.junitmultihost.engine.internal.events.AbsenceListener;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.sync.SyncClient;
import io.junitmultihost.sync.SyncEndpoint;
import io.junitmultihost.sync.SyncScope;
import io.junitmultihost.sync.SyncServer;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sync handle of one test class: the class's scope on the run's barrier server, the test JVM
 * as participant {@link Sync#CONTROLLER}, and each host set up on first use. Expected absences
 * (reboots the engine asked for) reach the server, so they are not taken for deaths. The API's
 * value types and exceptions are carried to the server's and back here ({@link SyncValues},
 * {@link SyncFailures}). Internal.
 */
public final class ClassSync implements Sync, AbsenceListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClassSync.class);
    private static final String DIRECTORY = ".multihost";

    private final String owner;
    private final SyncServer server;
    private final SyncScope scope;
    private final SyncClient controller;
    private final ParticipantSync controllerSync;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, String> scripts = new ConcurrentHashMap<>();
    private final HostEvents.Subscription absences;
    private final Duration setupDeadline;

    ClassSync(String owner, SyncServer server, List<Host> hosts, HostEvents events, Duration setupDeadline) {
        this.owner = owner;
        this.server = server;
        this.scope = server.openScope(owner);
        this.controller = scope.client(CONTROLLER);
        this.controllerSync = new ParticipantSync(controller);
        this.setupDeadline = setupDeadline;
        hosts.forEach(h -> this.hosts.put(h.name(), h));
        this.absences = events.onAbsence(this);
    }

    /** The test JVM's own client of the barrier server, for the engine's own tests. Internal. */
    public SyncClient controllerClient() {
        return controller;
    }

    @Override
    public SyncResult remsync(String syncpoint, Collection<String> participants, Duration timeout) {
        return controllerSync.remsync(syncpoint, participants, timeout);
    }

    @Override
    public SyncResult sync(SyncRequest request) {
        return controllerSync.sync(request);
    }

    @Override
    public CompletableFuture<SyncResult> syncAsync(SyncRequest request) {
        return controllerSync.syncAsync(request);
    }

    @Override
    public Optional<SyncResult> status(String syncpoint) {
        return controllerSync.status(syncpoint);
    }

    @Override
    public ClusterState clusterState() {
        return controllerSync.clusterState();
    }

    @Override
    public void abort(String reason) {
        SyncFailures.around(() -> {
            scope.abort(CONTROLLER, reason);
            return null;
        });
    }

    @Override
    public String script(Host host) {
        Host own = hosts.get(host.name());
        if (own == null) {
            throw new ConfigurationException("Host [" + host.name() + "] is not a host of class [" + owner
                    + "]; its hosts are " + hosts.keySet() + ".");
        }
        return scripts.computeIfAbsent(own.name(), name -> setUp(own));
    }

    /**
     * Forwards a port of the host to the server, then writes the token file and the script. The
     * token travels on standard input, never on a command line. When a reconnect moves the forward
     * to a new port (the host still held the old one), the token file is written again; when the
     * forward is lost, the host is declared dead, so that syncs waiting for it fail at once.
     */
    private String setUp(Host host) {
        if (!(host instanceof SyncReachable reachable)) {
            throw new ConfigurationException("Host [" + host.name() + "] cannot reach the sync server: it has no SSH forwarding.");
        }
        int port = reachable.forwardToTestJvm(server.port(), setupDeadline, new SyncReachable.ForwardWatcher() {
            @Override
            public void moved(int to) {
                writeEnv(host, to);
                LOG.info("Host [{}] reaches the sync server of class [{}] at its new port [{}] after reconnecting.",
                        host.name(), owner, to);
            }

            @Override
            public void lost(String why) {
                scope.declareDead(host.name(), "host [" + host.name() + "] lost its connection to the sync server: "
                        + why);
            }
        });
        String home = writeEnv(host, port);
        String script = home + "/" + DIRECTORY + "/bin/mh-sync";
        host.exec(Command.shell("cat > " + DIRECTORY + "/bin/mh-sync && chmod 700 " + DIRECTORY + "/bin/mh-sync")
                .withStdin(SyncServer.script()).withDeadline(setupDeadline)).assertSuccess();
        LOG.debug("Host [{}] reaches the sync server of class [{}] at its port [{}]; script [{}].", host.name(), owner,
                port, script);
        return script;
    }

    /** Writes the host's sync.env for the forward on {@code port}; returns the host's home directory. */
    private String writeEnv(Host host, int port) {
        SyncEndpoint endpoint = scope.endpoint().at("127.0.0.1", port);
        StringBuilder env = new StringBuilder();
        endpoint.environment(host.name()).forEach((k, v) -> env.append(k).append('=').append(quote(v)).append('\n'));
        return host.exec(Command.shell("umask 077 && mkdir -p " + DIRECTORY + "/bin && cat > "
                        + DIRECTORY + "/sync.env && cd && pwd").withStdin(env.toString()).withDeadline(setupDeadline))
                .assertSuccess().stdout().strip();
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    @Override
    public void absenceExpected(String host, String reason) {
        if (hosts.containsKey(host)) {
            scope.expectAbsence(host, reason);
        }
    }

    @Override
    public void absenceEnded(String host, HostState how) {
        if (!hosts.containsKey(host)) {
            return;
        }
        if (how == HostState.FAILED) {
            scope.declareDead(host, "host [" + host + "] did not come back from its reboot");
            return;
        }
        if (scripts.containsKey(host) && hosts.get(host) instanceof SyncReachable reachable) {
            try {
                reachable.reconnect(setupDeadline);     // sets the host's forward up again
            } catch (RuntimeException e) {
                LOG.warn("Host [{}] is back but its forward to the sync server is not: {}", host, e.getMessage());
            }
        }
        scope.endAbsence(host);
    }

    @Override
    public void close() {
        try {
            absences.close();
        } catch (Exception e) {
            LOG.debug("Closing the absence subscription of class [{}] failed.", owner, e);
        }
        controller.close();
        scope.close();
    }

    @Override
    public String toString() {
        return "Sync[" + owner + " " + hosts.keySet() + "]";
    }
}
