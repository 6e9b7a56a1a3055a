package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.ClusterState;
import io.junitmultihost.api.Command;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.SyncRequest;
import io.junitmultihost.api.SyncResult;
import io.junitmultihost.engine.internal.events.AbsenceListener;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.report.RunRecord;
import io.junitmultihost.sync.SyncClient;
import io.junitmultihost.sync.SyncEndpoint;
import io.junitmultihost.sync.SyncEventType;
import io.junitmultihost.sync.SyncScope;
import io.junitmultihost.sync.SyncServer;
import io.junitmultihost.ssh.ShellQuote;
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
    private static final String ENV_FILE = DIRECTORY + "/sync.env";
    /** How long removing the hosts' token files at the class's end may take, for all hosts together. */
    private static final Duration CLEAN_UP = Duration.ofSeconds(10);
    /** The variable that holds the path of the host's {@code mh-sync} in every command's environment once it is set up. */
    public static final String SCRIPT_VARIABLE = "MH_SYNC";

    private final String owner;
    private final SyncServer server;
    private final SyncScope scope;
    private final SyncClient controller;
    private final ParticipantSync controllerSync;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, String> scripts = new ConcurrentHashMap<>();
    private final Map<String, String> envFiles = new ConcurrentHashMap<>();
    private final HostEvents.Subscription absences;
    private final AutoCloseable recording;
    private final RunRecord record;
    /** The running distributed test's scope's events going to the run record, while it runs. */
    private volatile AutoCloseable caseRecording;
    private final Duration setupDeadline;
    /** The port of each set-up host's forward to the server, as it is now. */
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    /** The scope the hosts' sync.env speaks to: a distributed test's while it runs, else the class's. */
    private volatile SyncScope envScope;
    /** The distributed test's scope while one runs. */
    private volatile SyncScope caseScope;

    ClassSync(String owner, SyncServer server, List<Host> hosts, HostEvents events, Duration setupDeadline) {
        this.owner = owner;
        this.server = server;
        this.scope = server.openScope(owner);
        // A host's token speaks for the host only: not for the controller, nor for another host of the class.
        scope.reserve(CONTROLLER);
        hosts.forEach(h -> scope.reserve(h.name()));
        this.controller = scope.client(CONTROLLER);
        this.controllerSync = new ParticipantSync(controller, new TimeoutNotes(scope, this.hosts));
        this.setupDeadline = setupDeadline;
        this.envScope = scope;
        hosts.forEach(h -> this.hosts.put(h.name(), h));
        describe(scope, hosts);
        this.absences = events.onAbsence(this);
        this.record = events.record();
        this.recording = record(scope);
    }

    /** Sends the scope's events to the run's record (the timeline), each with its participant's host. */
    private AutoCloseable record(SyncScope where) {
        // the scope's close at the class's end aborts it too: recorded as the close it is, not as a failure
        return where.subscribe(0, e -> record.addAt(e.time(), e.type() == SyncEventType.ABORTED
                && e.detail().endsWith("] was closed") ? "sync.closed" : "sync." + e.type().name().toLowerCase(
                java.util.Locale.ROOT), this.hosts.containsKey(e.participant()) ? e.participant() : "", owner,
                "participant", e.participant(), "syncpoint", e.subject().isEmpty() ? null : e.subject(),
                "detail", e.detail().isEmpty() ? null : RunRecord.cut(e.detail(), 300)));
    }

    /**
     * lkp's cluster as the class's roles make it: each host's role and address in the cluster state
     * (so roles_ip names every host before any writes its own), and the hosts as the members that
     * wait_ready and wait_finish wait for when the waits name none (a wait naming its own members,
     * {@code mh-sync ready --participants a,b}, defines those instead).
     */
    private static void describe(SyncScope scope, Collection<Host> hosts) {
        for (Host host : hosts) {
            scope.describe(host.name(), String.join(" ", new java.util.TreeSet<>(host.roles())), host.address());
        }
        scope.defaultCluster(hosts.stream().map(Host::name).toList());
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

    /** Sets the host up as {@link #script} does and returns the absolute path of its {@code sync.env} (unquoted). */
    public String envFile(Host host) {
        script(host);
        return envFiles.get(host.name());
    }

    /**
     * Forwards a port of the host to the server, then writes the token file and the script. The
     * token (the host's own, see docs/SYNC.md) travels on standard input, never on a command line;
     * the file is made afresh, readable by the host's user only, and removed when the class ends.
     * When a reconnect moves the forward to a new port (the host still held the old one), the file is
     * written again; when the forward is lost, the host is declared dead, so that syncs waiting for
     * it fail at once.
     */
    private String setUp(Host host) {
        if (!(host instanceof SyncReachable reachable)) {
            throw new ConfigurationException("Host [" + host.name() + "] cannot reach the sync server: it has no SSH forwarding.");
        }
        int port = reachable.forwardToTestJvm(server.port(), setupDeadline, new SyncReachable.ForwardWatcher() {
            @Override
            public void moved(int to) {
                ports.put(host.name(), to);
                writeEnv(host, to);
                LOG.info("Host [{}] reaches the sync server of class [{}] at its new port [{}] after reconnecting.",
                        host.name(), owner, to);
            }

            @Override
            public void lost(String why) {
                scopes().forEach(s -> s.declareDead(host.name(), "host [" + host.name()
                        + "] lost its connection to the sync server: " + why));
            }
        });
        ports.put(host.name(), port);
        String home = writeEnv(host, port);
        String script = scriptWord(host.name(), home);
        envFiles.put(host.name(), home(home) + "/" + ENV_FILE);
        host.exec(Command.shell("cat > " + DIRECTORY + "/bin/mh-sync && chmod 700 " + DIRECTORY + "/bin/mh-sync")
                .withStdin(SyncServer.script()).withDeadline(setupDeadline)).assertSuccess();
        reachable.exportToCommands(SCRIPT_VARIABLE, home(home) + "/" + DIRECTORY + "/bin/mh-sync");
        LOG.debug("Host [{}] reaches the sync server of class [{}] at its port [{}]; script [{}].", host.name(), owner,
                port, script);
        return script;
    }

    /**
     * The script's path on the host as one shell word (quoted when the home directory needs it),
     * from what {@code pwd} printed there.
     *
     * @throws MultiHostException naming the host when that is not one absolute path
     */
    static String scriptWord(String host, String pwdOutput) {
        String home = pwdOutput.endsWith("\n") ? pwdOutput.substring(0, pwdOutput.length() - 1) : pwdOutput;
        if (!home.startsWith("/") || home.indexOf('\n') >= 0 || home.indexOf('\0') >= 0) {
            throw new MultiHostException("Host [" + host + "] printed [" + home.replace("\n", "\\n")
                    + "] as its home directory, which is not one absolute path; check the shell start-up files of its user.");
        }
        return ShellQuote.quote(home(home) + "/" + DIRECTORY + "/bin/mh-sync");
    }

    private static String home(String pwd) {
        String home = pwd.endsWith("\n") ? pwd.substring(0, pwd.length() - 1) : pwd;
        return home.equals("/") ? "" : home;
    }

    /**
     * Writes the host's sync.env for the forward on {@code port}, speaking to the scope the hosts
     * speak to now, with the host's role and address; returns what {@code pwd} printed there.
     */
    private String writeEnv(Host host, int port) {
        SyncEndpoint endpoint = envScope.participantEndpoint(host.name()).at("127.0.0.1", port);
        Map<String, String> values = new LinkedHashMap<>(endpoint.environment(host.name()));
        values.put("MH_SYNC_ROLE", String.join(" ", new java.util.TreeSet<>(host.roles())));
        values.put("MH_SYNC_ADDRESS", host.address());
        StringBuilder env = new StringBuilder();
        values.forEach((k, v) -> env.append(k).append('=').append(quote(v)).append('\n'));
        // rm, then create with noclobber under umask 077: a file that was there (with its permissions, or a link) is not reused.
        return host.exec(Command.shell("umask 077 && mkdir -p " + DIRECTORY + "/bin && chmod 700 " + DIRECTORY
                        + " && rm -f " + ENV_FILE + " && (set -C && cat > " + ENV_FILE + ") && cd && pwd")
                .withStdin(env.toString()).withDeadline(setupDeadline))
                .assertSuccess().stdout();
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    @Override
    public void absenceExpected(String host, String reason) {
        if (hosts.containsKey(host)) {
            scopes().forEach(s -> s.expectAbsence(host, reason));
        }
    }

    /** The class's scope and the running distributed test's, if one runs. */
    private List<SyncScope> scopes() {
        SyncScope open = caseScope;
        return open == null ? List.of(scope) : List.of(scope, open);
    }

    @Override
    public void absenceEnded(String host, HostState how) {
        if (!hosts.containsKey(host)) {
            return;
        }
        if (how == HostState.FAILED) {
            scopes().forEach(s -> s.declareDead(host, "host [" + host + "] did not come back from its reboot"));
            return;
        }
        if (scripts.containsKey(host) && hosts.get(host) instanceof SyncReachable reachable) {
            try {
                reachable.reconnect(setupDeadline);     // sets the host's forward up again
            } catch (RuntimeException e) {
                LOG.warn("Host [{}] is back but its forward to the sync server is not: {}", host, e.getMessage());
            }
        }
        scopes().forEach(s -> s.endAbsence(host));
    }

    /**
     * Who waits where, from the scope's events (and the running distributed test's): each
     * syncpoint some arrived at that was neither released nor failed, with those that arrived, and
     * the cluster states; for a test past its deadline.
     */
    public String whoWaitsWhere() {
        SyncScope open = caseScope;
        String test = open == null ? "" : TimeoutNotes.whoWaitsWhere(open);
        return TimeoutNotes.whoWaitsWhere(scope) + (test.isEmpty() ? "" : "in [" + open.label() + "]:\n" + test);
    }

    /**
     * A scope of its own for distributed test {@code test} of the class (see {@link CaseSync}), whose
     * cluster is the parts' {@code hosts}; the caller closes it. While it is open the hosts' sync.env
     * speaks to it, so that their shells' {@code mh-sync} meets the test's parts, and a failed part's
     * abort reaches their wait_ready and wait_finish; closing it turns them back to the class's scope.
     */
    public CaseSync openCase(String test, List<Host> parts) {
        SyncScope opened = server.openScope(owner + " / " + test);
        try {
            opened.reserve(CONTROLLER);
            hosts.keySet().forEach(opened::reserve);
            describe(opened, hosts.values());
            opened.defaultCluster(parts.stream().map(Host::name).distinct().toList());
            List<Host> own = parts.stream().map(h -> hosts.get(h.name())).distinct().toList();
            own.forEach(this::script);
            caseScope = opened;
            envScope = opened;
            caseRecording = record(opened);
            own.forEach(h -> writeEnv(h, ports.get(h.name())));
            // the class's other set-up hosts too, so that no host's shell speaks to the class's scope meanwhile;
            // one that does not answer (powered off by an earlier test, say) is not the test's business
            scripts.keySet().stream().filter(name -> own.stream().noneMatch(h -> h.name().equals(name)))
                    .forEach(name -> rewriteEnv(name, "to distributed test [" + test + "]"));
        } catch (RuntimeException e) {
            opened.close();
            turnBack(opened);
            throw e;
        }
        return new CaseSync(opened, new TimeoutNotes(opened, hosts), () -> turnBack(opened));
    }

    /** Turns the hosts' sync.env back to the class's scope after distributed test {@code scope} ended. */
    private void turnBack(SyncScope ended) {
        if (caseScope != ended) {
            return;
        }
        envScope = scope;
        caseScope = null;
        AutoCloseable recorded = caseRecording;
        caseRecording = null;
        if (recorded != null) {
            try {
                recorded.close();
            } catch (Exception e) {
                LOG.debug("Closing the record of a distributed test's syncs of class [{}] failed.", owner, e);
            }
        }
        scripts.keySet().forEach(name -> rewriteEnv(name, "back to class [" + owner + "]"));
    }

    /** Writes the host's sync.env for the scope the hosts speak to now; a host that does not answer is logged. */
    private void rewriteEnv(String name, String why) {
        try {
            writeEnv(hosts.get(name), ports.get(name));
        } catch (RuntimeException e) {
            LOG.warn("Could not turn [~/{}] on host [{}] {}: {}", ENV_FILE, name, why, e.getMessage());
        }
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
        long end = System.nanoTime() + CLEAN_UP.toNanos();
        for (String name : scripts.keySet()) {
            // The token is dead with the scope; the file goes too, so nothing of the class stays on the host.
            // One bound for all hosts, so that dead hosts cannot stretch the class's end.
            Duration left = Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime()));
            try {
                ((SyncReachable) hosts.get(name)).execToCleanUp(Command.shell("rm -f " + ENV_FILE + " " + TimeoutNotes.LOG + " "
                        + TimeoutNotes.LOG + ".1").withDeadline(left))
                        .assertSuccess();
            } catch (RuntimeException e) {
                LOG.warn("Could not remove [~/{}] from host [{}] at the end of class [{}]: {}", ENV_FILE, name, owner,
                        e.getMessage());
            }
        }
        try {
            recording.close();
        } catch (Exception e) {
            LOG.debug("Closing the record of class [{}]'s syncs failed.", owner, e);
        }
    }

    @Override
    public String toString() {
        return "Sync[" + owner + " " + hosts.keySet() + "]";
    }
}
