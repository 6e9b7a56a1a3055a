package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.DynamicActionException;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.ProcessEnd;
import io.junitmultihost.api.RunMode;
import io.junitmultihost.api.SerializableRunnable;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmEvent;
import io.junitmultihost.api.VmInfo;
import io.junitmultihost.api.VmNotFoundException;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.VmTarget;
import io.junitmultihost.api.Vms;
import io.junitmultihost.engine.internal.events.VmEvents;
import io.junitmultihost.ssh.ShellQuote;
import java.io.IOException;
import java.io.NotSerializableException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntBiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote JVMs of one test class (GemFire Hydra's ClientVmMgr, on the controller): launches them
 * with the test's classpath, carries out every dynamic stop and start (those asked for from inside
 * the JVMs too), keeps one action per JVM at a time, refuses the second of two synchronous stops
 * that would wait on each other, restarts per start mode, and ends them all with the class.
 *
 * <p>Each JVM connects back to this class's loopback server through its host's SSH remote forward,
 * presenting the class's random token, which only the host's user can read. Invocations go straight
 * to the JVM where its host can be reached so ({@link DirectCalls}, multihost.vm.direct), else
 * through that connection.
 */
public final class VmMaster implements Vms, AutoCloseable {

    /** Threads of invokeAsync and of asynchronous actions. */
    static final ExecutorService ASYNC = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "multihost-vm-async");
        thread.setDaemon(true);
        return thread;
    });

    private static final Logger LOG = LoggerFactory.getLogger(VmMaster.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration PING_EVERY = Duration.ofSeconds(1);

    private final String owner;
    private final String defaultJava;
    private final Duration invokeDeadline;
    private final Duration actionDeadline;
    private final ToIntBiFunction<Host, Integer> forward;
    private final boolean direct;
    private final boolean spares;
    private final Duration lease;
    private final java.util.function.Function<Host, String> syncScript;
    private final VmEvents events;
    private final ServerSocket server;
    private final String token = hex(24);
    private final String runDir = ".junit-multihost/vms/" + hex(6);
    private final Map<Host, HostSetup> setups = new LinkedHashMap<>();
    private final Map<Host, String> noDirect = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<RemoteVm> vms = new ArrayList<>();
    private final Map<String, String> waitsFor = new LinkedHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "multihost-vm-timer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closing;

    /**
     * @param owner the test class, for messages
     * @param settings how the JVMs are run
     * @param forward opens a remote forward from a host to a port of this JVM and returns the host-side port
     * @param syncScript sets a host up for the class's sync and returns the absolute path of the host's
     *     {@code sync.env}; null: remote JVMs get no Sync
     * @param events where each start, stop and end of a JVM is published
     */
    public VmMaster(String owner, VmSettings settings, ToIntBiFunction<Host, Integer> forward,
            java.util.function.Function<Host, String> syncScript, VmEvents events) {
        this.owner = owner;
        this.defaultJava = settings.java();
        this.invokeDeadline = settings.invokeDeadline();
        this.actionDeadline = settings.actionDeadline();
        this.lease = settings.lease();
        this.forward = forward;
        this.direct = settings.direct();
        this.spares = settings.spares();
        this.syncScript = syncScript;
        this.events = events;
        try {
            this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new MultiHostException("Could not open the loopback server remote JVMs connect to: " + e.getMessage(), e);
        }
        Thread acceptor = new Thread(this::accept, "multihost-vm-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        timer.scheduleAtFixedRate(this::ping, PING_EVERY.toMillis(), PING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    // ---- launching ---------------------------------------------------------------------------

    @Override
    public List<Vm> launch(Host host, int count, VmOptions options) {
        return launch(List.of(host), count, options);
    }

    @Override
    public List<Vm> launch(Collection<Host> hosts, int perHost, VmOptions options) {
        if (perHost < 1) {
            throw new IllegalArgumentException("Launch at least one VM per host, not [" + perHost + "].");
        }
        refuseWhenClosing("launch");
        List<RemoteVm> made = new ArrayList<>();
        int total = hosts.size() * perHost;
        List<CompletableFuture<HostSetup>> prepared = hosts.stream()
                .map(host -> CompletableFuture.supplyAsync(() -> setup(host, options), ASYNC)).toList();
        int index = 0;
        List<Host> ordered = List.copyOf(hosts);
        for (int h = 0; h < ordered.size(); h++) {
            HostSetup setup = join(prepared.get(h), "prepare host [" + ordered.get(h).name() + "]");
            for (int i = 0; i < perHost; i++) {
                index++;
                synchronized (this) {
                    String id = "vm-" + (vms.size() + 1);
                    String name = total == 1 ? options.name() : options.name() + "-" + index;
                    RemoteVm vm = new RemoteVm(id, name, ordered.get(h), roleOf(ordered.get(h)), options, setup,
                            invokeDeadline);
                    vms.add(vm);
                    made.add(vm);
                }
            }
        }
        List<CompletableFuture<Void>> starts = made.stream()
                .map(vm -> CompletableFuture.runAsync(() -> startProcess(vm, "launch", false), ASYNC)).toList();
        MultiHostException failure = null;
        for (int i = 0; i < starts.size(); i++) {
            try {
                join(starts.get(i), "launch VM [" + made.get(i).id + "]");
            } catch (MultiHostException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(made);
    }

    private static String roleOf(Host host) {
        return host.roles().isEmpty() ? "" : host.roles().iterator().next();
    }

    private <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get(actionDeadline.toNanos() + Duration.ofSeconds(5).toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause() instanceof MultiHostException m ? m
                    : new MultiHostException("Could not " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new DynamicActionException("Could not " + what + " within [" + actionDeadline.toSeconds() + " s].");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DynamicActionException("Interrupted while waiting to " + what + ".", e);
        }
    }

    private HostSetup setup(Host host, VmOptions options) {
        String java = options.java().orElse(defaultJava);
        synchronized (setups) {
            HostSetup known = setups.get(host);
            if (known != null && known.java().equals(java)) {
                return known;
            }
        }
        checkJava(host, java);
        String home = host.exec(Command.shell("printf '%s' \"$HOME\"").withDeadline(actionDeadline)).assertSuccess()
                .stdout();
        int[] uploaded = new int[1];
        String classpath = TestClasspath.ensureOn(host, home, actionDeadline, uploaded);
        String dir = home + "/" + runDir;
        host.exec(Command.shell("umask 077; mkdir -p " + ShellQuote.quote(dir) + " && cat > " + ShellQuote.quote(dir
                + "/token")).withStdin(token).withDeadline(actionDeadline)).assertSuccess();
        int port = forward.applyAsInt(host, server.getLocalPort());
        String syncEnv = "";
        if (syncScript != null) {
            syncEnv = syncScript.apply(host); // <home>/.multihost/sync.env
        }
        LOG.info("Host [{}] is ready for remote JVMs: [{}] of [{}] classpath jars uploaded, [{}] checked.",
                host.name(), uploaded[0], TestClasspath.jars().size(), java);
        HostSetup setup = new HostSetup(port, classpath, java, dir, syncEnv);
        synchronized (setups) {
            setups.put(host, setup);
        }
        return setup;
    }

    private void checkJava(Host host, String java) {
        ExecResult version = host.exec(Command.shell(ShellQuote.quote(java) + " -version").withDeadline(actionDeadline));
        if (version.exitCode() == 127 || version.exitCode() == 126) {
            throw new MultiHostException("Host [" + host.name() + "] has no runnable [" + java + "] for remote JVMs: ["
                    + version.stderr().strip() + "]. Install a Java " + JavaVersion.REQUIRED + "+ runtime there, or"
                    + " name one with VmOptions.withJava or the key multihost.vm.java.");
        }
        OptionalInt feature = JavaVersion.of(version.stderr() + version.stdout());
        if (feature.isEmpty() || feature.getAsInt() < JavaVersion.REQUIRED) {
            throw new MultiHostException("Host [" + host.name() + "]'s [" + java + "] is "
                    + (feature.isEmpty() ? "of an unknown version ([" + version.stderr().strip() + "])"
                    : "Java [" + feature.getAsInt() + "]") + ", older than the Java [" + JavaVersion.REQUIRED
                    + "] the test's classes need. Install a newer one, or name it with VmOptions.withJava or the key"
                    + " multihost.vm.java.");
        }
    }

    /** Starts a new JVM process for {@code vm} and returns once it is up and ran its init tasks. */
    private void startProcess(RemoteVm vm, String reason, boolean dynamic) {
        startProcess(vm, reason, dynamic, "the engine");
    }

    private void startProcess(RemoteVm vm, String reason, boolean dynamic, String by) {
        long oldPid = vm.lastPid;
        vm.state = RemoteVm.State.STARTING;
        long started = System.nanoTime();
        VmConnection connection = promoteSpare(vm);
        boolean fromSpare = connection != null;
        if (!fromSpare) {
            vm.nonce = hex(8);
            vm.hello = new CompletableFuture<>();
            vm.process = vm.host.startDetached(Command.shell(startScript(vm, vm.nonce, false)));
        }
        long spawned = System.nanoTime();
        if (!fromSpare) {
            connection = awaitHello(vm);
        }
        vm.connection = connection;
        if (!fromSpare || vm.fast == null) {
            vm.fast = direct(vm, vm.directPort);
        }
        long connected = System.nanoTime();
        vm.logFile = vm.setup.runDir() + "/" + vm.id + "-" + vm.pid + ".log";
        runInit(vm, dynamic);
        long initialized = System.nanoTime();
        vm.state = RemoteVm.State.RUNNING;
        vm.stopping = null;
        vm.lastPid = vm.pid;
        publish(vm, VmEvent.Kind.STARTED, dynamic ? "start" : "launch", reason, by, oldPid);
        ASYNC.execute(() -> tailLog(vm)); // its lines are for people: not on the way to a running VM
        LOG.info("VM [{}] ({} on {}) started, pid [{}], log [{}] ({}; {} ms: {} {}, connect {}, init tasks {}).",
                vm.id, vm.name, vm.host.name(), vm.pid, vm.logFile, reason, millis(started, initialized),
                fromSpare ? "spare promoted in" : "process", millis(started, spawned), millis(spawned, connected),
                millis(connected, initialized));
        if (dynamic) {
            startSpare(vm); // a VM started again is likely to be started again: have its next JVM ready
        }
    }

    /** The shell command that starts a JVM for {@code vm} (its current start, or a spare). */
    private String startScript(RemoteVm vm, String nonce, boolean spare) {
        HostSetup setup = vm.setup;
        List<String> argv = new ArrayList<>();
        argv.add(setup.java());
        argv.addAll(vm.options.jvmOptions());
        vm.options.systemProperties().forEach((k, v) -> argv.add("-D" + k + "=" + v));
        argv.addAll(List.of("-Dmultihost.vm.id=" + vm.id, "-Dmultihost.vm.name=" + vm.name,
                "-Dmultihost.vm.host=" + vm.host.name(), "-Dmultihost.vm.role=" + vm.role,
                "-Dmultihost.vm.port=" + setup.port(), "-Dmultihost.vm.token-file=" + setup.tokenFile(),
                "-Dmultihost.vm.nonce=" + nonce, "-Dmultihost.vm.lease-ms=" + lease.toMillis()));
        if (spare) {
            argv.add("-Dmultihost.vm.spare=true");
        }
        if (direct) {
            argv.add("-Dmultihost.vm.direct-address=" + vm.host.address());
        }
        if (!setup.syncEnv().isEmpty()) {
            argv.add("-Dmultihost.vm.sync-env=" + setup.syncEnv());
        }
        argv.addAll(List.of(
                "-cp", setup.classpath(), VmAgent.class.getName()));
        // exec keeps the shell's pid, so $$ names the log after the JVM's own pid
        return "exec " + ShellQuote.join(argv) + " > " + ShellQuote.quote(setup.runDir() + "/" + vm.id)
                + "-$$.log 2>&1";
    }

    /**
     * Starts a spare JVM for {@code vm}'s next start in the background, when spares are on and it
     * has none; a spare that cannot be had is dropped quietly: the next start is then a plain one.
     */
    private void startSpare(RemoteVm vm) {
        if (!spares || closing || vm.spare != null) {
            return;
        }
        SpareJvm spare = new SpareJvm(hex(8));
        vm.spare = spare;
        ASYNC.execute(() -> {
            try {
                spare.process = vm.host.startDetached(Command.shell(startScript(vm, spare.nonce, true)));
                spare.hello.get(actionDeadline.toMillis(), TimeUnit.MILLISECONDS);
                spare.fast = direct(vm, spare.directPort);
                LOG.debug("VM [{}] ({} on {}) has a spare JVM ready, pid [{}].", vm.id, vm.name, vm.host.name(),
                        spare.pid);
            } catch (Exception e) {
                LOG.debug("VM [{}] ({} on {}) has no spare JVM ({}); its next start is a plain one.", vm.id, vm.name,
                        vm.host.name(), e.toString());
                dropSpare(vm, spare);
            }
            if (closing) {
                dropSpare(vm, spare);
            }
        });
    }

    private void dropSpare(RemoteVm vm, SpareJvm spare) {
        synchronized (vm) {
            if (vm.spare == spare) {
                vm.spare = null;
            }
        }
        spare.kill();
    }

    /**
     * Makes {@code vm}'s spare its current start and returns its connection; null when it has none
     * that answers within a short deadline (the start is then a plain one).
     */
    private VmConnection promoteSpare(RemoteVm vm) {
        SpareJvm spare;
        synchronized (vm) {
            spare = vm.spare;
            vm.spare = null;
        }
        if (spare == null) {
            return null;
        }
        try {
            // one still starting has a head start on a new JVM: wait for it
            VmConnection connection = spare.hello.get(actionDeadline.toMillis(), TimeUnit.MILLISECONDS);
            if (!connection.isOpen()) {
                throw new IOException("its connection is closed");
            }
            vm.nonce = spare.nonce;
            vm.hello = spare.hello;
            vm.process = spare.process;
            vm.pid = spare.pid;
            vm.directPort = spare.directPort;
            Frame done = connection.call(Frame.Type.PROMOTE, new byte[0]).get(10, TimeUnit.SECONDS);
            if (done.type() != Frame.Type.DONE) {
                throw new IOException("it answered " + done.type());
            }
            vm.fast = spare.fast;
            spare.fast = null;
            return connection;
        } catch (Exception e) {
            LOG.info("The spare JVM of VM [{}] ({} on {}) cannot be used ({}); starting a new one.", vm.id, vm.name,
                    vm.host.name(), e.toString());
            spare.kill();
            return null;
        }
    }

    private void publish(RemoteVm vm, VmEvent.Kind kind, String mode, String reason, String by, long oldPid) {
        events.publish(new VmEvent(vm.id, vm.name, vm.host.name(), kind, mode, reason, by, oldPid, vm.pid, Instant.now()));
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    private VmConnection awaitHello(RemoteVm vm) {
        long until = System.nanoTime() + actionDeadline.toNanos();
        while (true) {
            try {
                return vm.hello.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillWaiting) {
                Optional<ProcessEnd> end = vm.process.end();
                if (end.isPresent() || System.nanoTime() - until > 0) {
                    vm.state = RemoteVm.State.STOPPED;
                    String log = lastLog(vm);
                    if (end.isEmpty()) {
                        vm.process.kill();
                    }
                    throw new MultiHostException("VM [" + vm.id + "] (" + vm.name + ") on host [" + vm.host.name() + "] "
                            + (end.isPresent() ? "ended (" + end.get() + ")" : "did not connect within ["
                            + actionDeadline.toSeconds() + " s] and was killed") + " before it was up. Its log:\n" + log);
                }
            } catch (ExecutionException | InterruptedException e) {
                throw new MultiHostException("VM [" + vm.id + "] did not start: " + e, e);
            }
        }
    }

    /**
     * With multihost.vm.direct (the default), opens a JVM's second connection, straight to its
     * host's address at {@code port}, for invocations. Null where it cannot be had (a host behind a
     * NAT port forward or a jump host, a firewall): invocations then go through the SSH forward,
     * said once per host, and the host's later JVMs do not try again.
     */
    private DirectCalls direct(RemoteVm vm, int port) {
        if (!direct || noDirect.containsKey(vm.host)) {
            return null;
        }
        String why;
        if (port <= 0) {
            why = "the JVM could not listen on [" + vm.host.address() + "] there: it is not an address of the host"
                    + " itself (a NAT port forward, or a name that resolves elsewhere there)";
        } else {
            DirectCalls calls = new DirectCalls(vm.host.address(), port, token, vm.id);
            long start = System.nanoTime();
            try {
                calls.open();
                return calls;
            } catch (IOException e) {
                why = "[" + vm.host.address() + ":" + port + "] " + (e instanceof java.net.SocketTimeoutException
                        ? "did not answer within [" + millis(start, System.nanoTime()) + " ms] (a firewall, or a host"
                        + " reached through a jump host?)" : "refused: " + e.getMessage());
            }
        }
        if (noDirect.putIfAbsent(vm.host, why) == null) {
            LOG.warn("Remote JVMs on host [{}] cannot be reached directly ({}); their invocations go through SSH, which"
                    + " is slower. multihost.vm.direct=false stops trying.", vm.host.name(), why);
        }
        return null;
    }

    /** Why invocations on {@code host}'s JVMs go through SSH, when they do though multihost.vm.direct is on. */
    Optional<String> whyNotDirect(Host host) {
        return Optional.ofNullable(noDirect.get(host));
    }

    private String lastLog(RemoteVm vm) {
        try {
            return vm.host.exec(Command.shell("f=$(ls -t " + ShellQuote.quote(vm.setup.runDir()) + "/" + vm.id
                    + "-*.log 2>/dev/null | head -n 1); [ -n \"$f\" ] && tail -c 4000 \"$f\"; true")
                    .withDeadline(actionDeadline)).stdout();
        } catch (MultiHostException e) {
            return "(could not read it: " + e.getMessage() + ")";
        }
    }

    private void tailLog(RemoteVm vm) {
        try {
            HostProcess previous = vm.logTail;
            if (previous != null && previous.isAlive()) {
                previous.kill();
            }
            Logger vmLog = LoggerFactory.getLogger("io.junitmultihost.vm." + vm.name);
            vm.logTail = vm.host.start(Command.of("tail", "-n", "+1", "-F", vm.logFile),
                    line -> vmLog.info("[{}] {}", vm.name, line.text()));
        } catch (RuntimeException e) {
            if (!closing) {
                LOG.warn("The log of VM [{}] ([{}] on host [{}]) cannot be followed: {}", vm.id, vm.logFile,
                        vm.host.name(), e.getMessage());
            }
        }
    }

    private void runInit(RemoteVm vm, boolean dynamic) {
        List<SerializableRunnable> tasks = vm.options.initTasks().stream()
                .filter(t -> t.mode() == RunMode.ALWAYS || t.mode() == (dynamic ? RunMode.DYNAMIC : RunMode.ONCE))
                .map(VmOptions.Task::code).toList();
        if (tasks.isEmpty()) {
            return;
        }
        Frame done = join(vm.connection.call(Frame.Type.INIT, bytes(tasks, "init tasks")), "run the init tasks of VM ["
                + vm.id + "]");
        failed(vm, done, "an init task");
    }

    private static void failed(RemoteVm vm, Frame frame, String what) {
        if (frame.type() == Frame.Type.FAILURE) {
            Throwable remote;
            try {
                Object value = Serial.value(frame.payload(), VmMaster.class.getClassLoader());
                remote = value instanceof Throwable t ? t : new RemoteVm.RemoteFailure(String.valueOf(value));
            } catch (IOException | ClassNotFoundException e) {
                remote = new RemoteVm.RemoteFailure(frame.text());
            }
            throw new DynamicActionException(what + " of VM " + vm.info() + " threw [" + remote + "].", remote);
        }
    }

    private static byte[] bytes(Object value, String what) {
        try {
            return Serial.bytes(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("The " + what + " do not serialize: [" + e.getMessage() + "].", e);
        }
    }

    // ---- connections ---------------------------------------------------------------------------

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                ASYNC.execute(() -> greet(socket));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("Remote JVM server of class [{}] stopped accepting: {}", owner, e.getMessage());
                }
                return;
            }
        }
    }

    private void greet(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            VmConnection connection = new VmConnection(socket);
            Frame hello = connection.readHello();
            socket.setSoTimeout(0);
            String[] lines = hello.type() == Frame.Type.HELLO ? hello.text().split("\n") : new String[0];
            RemoteVm vm = lines.length == 5 && java.security.MessageDigest.isEqual(lines[0].getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), token.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    ? find(lines[1]) : null;
            SpareJvm spare = vm == null ? null : vm.spare;
            if (spare != null && spare.nonce.equals(lines[2])) {
                connection.startReading(vm.id, (c, frame) -> ASYNC.execute(() -> act(vm, c, frame)), why -> {
                    ended(vm, connection, why); // once promoted, it is the VM's connection
                    if (spare.connection == connection && vm.spare == spare) {
                        dropSpare(vm, spare);
                    }
                });
                spare.greeted(connection, Long.parseLong(lines[3]), Integer.parseInt(lines[4]));
                return;
            }
            if (vm == null || !vm.nonce.equals(lines[2])) {
                LOG.warn("A connection to the remote JVM server of class [{}] did not present a known VM and token;"
                        + " closed.", owner);
                connection.close();
                return;
            }
            vm.pid = Long.parseLong(lines[3]);
            vm.directPort = Integer.parseInt(lines[4]);
            VmConnection previous = vm.connection;
            if (vm.hello.isDone() && previous != null) {
                // it connects again: the calls waiting on the lost connection are answered on this one
                connection.adoptWaiting(previous);
            }
            connection.startReading(vm.id, (c, frame) -> ASYNC.execute(() -> act(vm, c, frame)),
                    why -> ended(vm, connection, why));
            if (!vm.hello.complete(connection)) {
                // a JVM that reconnected after its connection dropped: the new connection replaces the old
                vm.connection = connection;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("A remote JVM's greeting failed: {}", e.toString());
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a failed connection
            }
        }
    }

    private synchronized RemoteVm find(String id) {
        return vms.stream().filter(v -> v.id.equals(id)).findFirst().orElse(null);
    }

    private void ping() {
        List<RemoteVm> all;
        synchronized (this) {
            all = List.copyOf(vms);
        }
        for (RemoteVm vm : all) {
            VmConnection connection = vm.connection;
            if (connection != null && connection.isOpen()) {
                connection.send(new Frame(Frame.Type.PING, 0, new byte[0]));
            } else if (vm.fast != null && vm.fast.isOpen() && vm.state == RemoteVm.State.RUNNING) {
                DirectCalls fast = vm.fast;
                ASYNC.execute(() -> {
                    try {
                        fast.ping(PING_EVERY);
                    } catch (IOException e) {
                        LOG.debug("VM [{}] did not answer a ping on its direct connection: {}", vm.id, e.toString());
                    }
                });
            }
            SpareJvm spare = vm.spare;
            VmConnection waiting = spare == null ? null : spare.connection;
            if (waiting != null && waiting.isOpen()) {
                waiting.send(new Frame(Frame.Type.PING, 0, new byte[0]));
            }
        }
    }

    /** A connection ended: by a stop we asked for, or on its own (crash, reboot, cut link). */
    private void ended(RemoteVm vm, VmConnection connection, String why) {
        if (vm.connection != connection) {
            return;
        }
        if (vm.stopping != null || closing) {
            DirectCalls fast = vm.fast;
            if (fast != null) {
                fast.close();
            }
            String reason = vm.stopping != null ? "it was stopped (" + vm.stopping + ")" : "its connection ended ("
                    + why + ")";
            connection.failWaiting(new DynamicActionException("VM " + vm.info() + " ended: " + reason + "."));
            return;
        }
        // its direct connections and the calls waiting on this one go on until it is known whether it reconnects
        LOG.info("VM [{}] ({} on {}): its connection through SSH ended ({}); waiting for it to connect again.", vm.id,
                vm.name, vm.host.name(), why);
        ASYNC.execute(() -> endedByItself(vm, connection, why));
    }

    /**
     * A running JVM's connection ended without a stop: it reconnects within its lease (a cut link,
     * a reconnected SSH session), or its process ended (a crash, a reboot), which its host tells once
     * it answers again; then it is restarted as its restart mode says.
     */
    private void endedByItself(RemoteVm vm, VmConnection lost, String why) {
        long until = System.nanoTime() + actionDeadline.toNanos();
        Optional<ProcessEnd> end = Optional.empty();
        while (System.nanoTime() - until < 0 && !closing) {
            VmConnection current = vm.connection;
            if (current != lost && current != null && current.isOpen()) {
                current.adoptWaiting(lost);
                LOG.info("VM [{}] ({} on {}) reconnected after its connection ended.", vm.id, vm.name, vm.host.name());
                return;
            }
            try {
                end = vm.process.end();
                if (end.isPresent()) {
                    break;
                }
            } catch (RuntimeException unreachable) {
                // its host is down or rebooting: ask again
            }
            sleep(250);
        }
        String gone = "VM " + vm.info() + " ended: its connection ended (" + why + ")"
                + end.map(e -> " and its process ended (" + e + ")").orElse(" and it did not connect again") + ".";
        DirectCalls fast = vm.fast;
        if (fast != null && vm.connection == lost) {
            fast.abort(gone);
        }
        lost.failWaiting(new DynamicActionException(gone));
        synchronized (this) {
            if (vm.state != RemoteVm.State.RUNNING || vm.stopping != null || vm.connection != lost) {
                return;
            }
            vm.state = RemoteVm.State.STOPPED;
            vm.stopping = end.map(e -> "it ended: " + e).orElse("it has not been heard of since its connection ended");
        }
        long oldPid = vm.pid;
        vm.pid = -1;
        LOG.warn("VM [{}] ({} on {}), pid [{}], {}; restart mode [{}].", vm.id, vm.name, vm.host.name(), oldPid,
                vm.stopping, vm.restartMode());
        publish(vm, VmEvent.Kind.ENDED, "ended", vm.stopping, "nobody", oldPid);
        scheduleRestart(vm, vm.restartMode(), "restart after " + vm.stopping);
    }

    private void scheduleRestart(RemoteVm vm, StartMode mode, String reason) {
        if (mode == StartMode.NEVER) {
            vm.never = true;
            return;
        }
        Optional<Duration> delay = mode.delay();
        if (delay.isEmpty() || closing) {
            return; // ON_DEMAND: a start asks for it
        }
        timer.schedule(() -> ASYNC.execute(() -> restart(vm, reason)), delay.get().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restart(RemoteVm vm, String reason) {
        long until = System.nanoTime() + actionDeadline.toNanos();
        while (!closing) {
            synchronized (this) {
                if (vm.state != RemoteVm.State.STOPPED || vm.targetOf != null) {
                    return;
                }
                vm.targetOf = reason;
            }
            try {
                startProcess(vm, reason, true);
                return;
            } catch (MultiHostException e) {
                vm.state = RemoteVm.State.STOPPED;
                if (System.nanoTime() - until > 0) {
                    LOG.warn("VM [{}] could not be restarted ({}) within [{} s]: {}", vm.id, reason,
                            actionDeadline.toSeconds(), e.getMessage());
                    return;
                }
                sleep(1000); // its host may still be rebooting
            } finally {
                synchronized (this) {
                    vm.targetOf = null;
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- dynamic actions -----------------------------------------------------------------------

    @Override
    public VmInfo stop(String reason) {
        throw controllerIsNoVm();
    }

    @Override
    public VmInfo stop(String reason, StopMode stopMode, StartMode startMode) {
        throw controllerIsNoVm();
    }

    private static IllegalStateException controllerIsNoVm() {
        return new IllegalStateException("The test JVM is not a remote JVM: name the VM to stop with a VmTarget.");
    }

    @Override
    public VmInfo stop(String reason, VmTarget target) {
        return stop(reason, StopMode.DEFAULT, StartMode.DEFAULT, target);
    }

    @Override
    public VmInfo stop(String reason, StopMode stopMode, StartMode startMode, VmTarget target) {
        RemoteVm chosen = reserve(null, target, true, reason);
        runStop(null, chosen, reason, stopMode, startMode);
        return chosen.info();
    }

    @Override
    public CompletableFuture<VmInfo> stopAsync(String reason, StopMode stopMode, StartMode startMode, VmTarget target) {
        RemoteVm chosen = reserve(null, target, true, reason);
        return CompletableFuture.supplyAsync(() -> {
            runStop(null, chosen, reason, stopMode, startMode);
            return chosen.info();
        }, ASYNC);
    }

    @Override
    public VmInfo start(String reason, VmTarget target) {
        RemoteVm chosen = reserve(null, target, false, reason);
        runStart(null, chosen, reason);
        return chosen.info();
    }

    @Override
    public CompletableFuture<VmInfo> startAsync(String reason, VmTarget target) {
        RemoteVm chosen = reserve(null, target, false, reason);
        return CompletableFuture.supplyAsync(() -> {
            runStart(null, chosen, reason);
            return chosen.info();
        }, ASYNC);
    }

    /**
     * Chooses one available VM matching {@code target} for a stop or start asked by {@code source}
     * (null: the test JVM) and marks it the action's target; a VmNotFoundException says why each
     * matching one was not available.
     */
    private RemoteVm reserve(RemoteVm source, VmTarget target, boolean stop, String reason) {
        refuseWhenClosing(stop ? "stop" : "start");
        String asker = source == null ? "the test JVM" : "VM [" + source.id + "]";
        synchronized (this) {
            List<String> why = new ArrayList<>();
            for (RemoteVm vm : vms) {
                VmInfo info = vm.info();
                if (!target.test(info)) {
                    continue;
                }
                String unavailable;
                if (vm.targetOf != null) {
                    unavailable = "it is the target of [" + vm.targetOf + "]";
                } else if (vm.initiating && vm != source) {
                    unavailable = "it is starting an action itself";
                } else if (!stop && vm == source) {
                    unavailable = "a VM cannot start itself";
                } else if (stop && vm.state != RemoteVm.State.RUNNING) {
                    unavailable = "it is " + vm.describeState();
                } else if (!stop && vm.state != RemoteVm.State.STOPPED && vm.state != RemoteVm.State.DISCONNECTED) {
                    unavailable = "it is " + vm.describeState();
                } else if (!stop && vm.never) {
                    unavailable = "it was stopped with start mode NEVER";
                } else {
                    vm.targetOf = (stop ? "stop" : "start") + " by " + asker + " for [" + reason + "]";
                    return vm;
                }
                why.add(vm.id + " (" + vm.name + " on " + vm.host.name() + "): " + unavailable);
            }
            throw new VmNotFoundException("No VM is available to " + (stop ? "stop" : "start") + " for " + asker
                    + " (reason [" + reason + "]): " + (why.isEmpty() ? "none matches the target among "
                    + vms.stream().map(v -> v.id).toList() : String.join("; ", why)) + ".");
        }
    }

    private void refuseWhenClosing(String what) {
        if (closing) {
            throw new DynamicActionException("The test class [" + owner + "] is ending: no " + what
                    + " of remote JVMs is carried out any more.");
        }
    }

    private void runStop(RemoteVm source, RemoteVm vm, String reason, StopMode mode, StartMode startMode) {
        boolean waitsOnInvocations = mode == StopMode.MEAN_EXIT || mode == StopMode.NICE_EXIT
                || mode == StopMode.NICE_DISCONNECT;
        try {
            if (source != null && waitsOnInvocations) {
                claimWait(source, vm, mode);
            }
            String by = source == null ? "the test JVM" : "VM [" + source.id + "]";
            vm.stopping = mode + " by " + by + " for [" + reason + "]";
            vm.state = RemoteVm.State.STOPPING;
            long oldPid = vm.pid;
            switch (mode) {
                case MEAN_KILL -> kill(vm, "KILL");
                case NICE_KILL -> kill(vm, "TERM");
                case MEAN_EXIT, NICE_EXIT, NICE_DISCONNECT -> order(vm, mode);
            }
            if (mode == StopMode.NICE_DISCONNECT) {
                vm.state = RemoteVm.State.DISCONNECTED;
            } else {
                vm.state = RemoteVm.State.STOPPED;
                vm.pid = -1;
            }
            LOG.info("VM [{}] ({} on {}) stopped {} by {} for [{}]: pid [{}]; start mode [{}].", vm.id, vm.name,
                    vm.host.name(), mode, by, reason, oldPid, startMode);
            publish(vm, VmEvent.Kind.STOPPED, mode.name(), reason, by, oldPid);
        } finally {
            synchronized (this) {
                vm.targetOf = null;
                if (source != null) {
                    waitsFor.remove(source.id);
                }
            }
        }
        scheduleRestart(vm, startMode, "restart after " + vm.stopping);
    }

    /**
     * Records that {@code source}'s invocation now waits for {@code target}'s invocations; refuses at
     * once when that closes a cycle (two VMs stopping each other synchronously, or a VM itself).
     */
    private synchronized void claimWait(RemoteVm source, RemoteVm target, StopMode mode) {
        if (source == target) {
            target.targetOf = null;
            throw new DynamicActionException("VM [" + source.id + "] cannot stop itself synchronously with " + mode
                    + ": the stop waits for its invocations, the one asking among them. Use stopAsync, or a KILL mode.");
        }
        String next = target.id;
        while (next != null) {
            if (next.equals(source.id)) {
                target.targetOf = null;
                throw new DynamicActionException("Deadlock refused: VM [" + source.id + "] asked to stop VM [" + target.id
                        + "] synchronously with " + mode + " while VM [" + target.id + "] waits for a stop that waits"
                        + " for VM [" + source.id + "]'s invocations. Use stopAsync on one side, or a KILL mode.");
            }
            next = waitsFor.get(next);
        }
        waitsFor.put(source.id, target.id);
    }

    private void kill(RemoteVm vm, String signal) {
        vm.process.signal(signal);
        awaitGone(vm);
    }

    private void order(RemoteVm vm, StopMode mode) {
        List<SerializableRunnable> close = closeTasks(vm, true); // a dynamic stop
        SerializableRunnable hook = mode == StopMode.MEAN_EXIT ? null : vm.options.disconnectHook().orElse(null);
        StopOrder stop = new StopOrder(close, hook, mode == StopMode.NICE_DISCONNECT);
        Frame done = join(vm.connection.call(Frame.Type.STOP, bytes(stop, "close tasks")), "stop VM [" + vm.id + "]");
        failed(vm, done, "a close task or the disconnect hook");
        if (mode != StopMode.NICE_DISCONNECT) {
            awaitGone(vm);
        }
    }

    private static List<SerializableRunnable> closeTasks(RemoteVm vm, boolean dynamic) {
        return vm.options.closeTasks().stream()
                .filter(t -> t.mode() == RunMode.ALWAYS || t.mode() == (dynamic ? RunMode.DYNAMIC : RunMode.ONCE))
                .map(VmOptions.Task::code).toList();
    }

    private void awaitGone(RemoteVm vm) {
        VmConnection connection = vm.connection;
        if (connection != null) {
            join(connection.closedFuture(), "see VM [" + vm.id + "]'s connection close");
        }
        long until = System.nanoTime() + actionDeadline.toNanos();
        while (vm.process.isAlive()) {
            if (System.nanoTime() - until > 0) {
                throw new DynamicActionException("VM [" + vm.id + "]'s process [" + vm.process.pid()
                        + "] still runs [" + actionDeadline.toSeconds() + " s] after it was stopped.");
            }
            sleep(10);
        }
    }

    private void runStart(RemoteVm source, RemoteVm vm, String reason) {
        String by = source == null ? "the test JVM" : "VM [" + source.id + "]";
        try {
            if (vm.state == RemoteVm.State.DISCONNECTED) {
                runInit(vm, true);
                vm.state = RemoteVm.State.RUNNING;
                vm.stopping = null;
                LOG.info("VM [{}] ({} on {}) started again in the same JVM, pid [{}] ({}).", vm.id, vm.name,
                        vm.host.name(), vm.pid, reason);
                publish(vm, VmEvent.Kind.STARTED, "start in the same JVM", reason, by, vm.pid);
            } else {
                startProcess(vm, reason, true, by);
            }
        } finally {
            synchronized (this) {
                vm.targetOf = null;
            }
        }
    }

    /** A dynamic action or a query asked for by code in {@code source}; answered on its connection. */
    private void act(RemoteVm source, VmConnection connection, Frame frame) {
        ActionRequest request;
        try {
            request = (ActionRequest) Serial.value(frame.payload(), VmMaster.class.getClassLoader());
        } catch (IOException | ClassNotFoundException e) {
            reply(connection, Frame.Type.FAILURE, frame.call(), new DynamicActionException("Unreadable request: " + e));
            return;
        }
        try {
            switch (request.kind()) {
                case IDS -> reply(connection, Frame.Type.RESULT, frame.call(), new ArrayList<>(vmIds()));
                case PID -> reply(connection, Frame.Type.RESULT, frame.call(), pid(request.vmId()));
                case STOP, START -> dynamic(source, connection, frame.call(), request);
            }
        } catch (RuntimeException e) {
            reply(connection, Frame.Type.FAILURE, frame.call(), e);
        }
    }

    private void dynamic(RemoteVm source, VmConnection connection, long call, ActionRequest request) {
        boolean stop = request.kind() == ActionRequest.Kind.STOP;
        VmTarget target = request.target() != null ? request.target() : VmTarget.id(source.id);
        RemoteVm chosen;
        synchronized (this) {
            source.initiating = true;
        }
        try {
            chosen = reserve(source, target, stop, request.reason());
        } finally {
            synchronized (this) {
                source.initiating = false; // once initiated, the source is a possible target again
            }
        }
        if (request.async()) {
            reply(connection, Frame.Type.RESULT, call, chosen.info());
        }
        try {
            if (stop) {
                runStop(source, chosen, request.reason(), request.stopMode(), request.startMode());
            } else {
                runStart(source, chosen, request.reason());
            }
            if (request.async()) {
                connection.send(Frame.text(Frame.Type.DONE, call, "done"));
            } else {
                reply(connection, Frame.Type.RESULT, call, chosen.info());
            }
        } catch (RuntimeException e) {
            reply(connection, Frame.Type.FAILURE, call, e);
        }
    }

    private static void reply(VmConnection connection, Frame.Type type, long call, Object value) {
        try {
            connection.send(new Frame(type, call, Serial.bytes(value)));
        } catch (NotSerializableException e) {
            connection.send(Frame.text(Frame.Type.FAILURE, call, String.valueOf(value)));
        }
    }

    // ---- queries -------------------------------------------------------------------------------

    @Override
    public synchronized List<Vm> all() {
        return List.copyOf(vms);
    }

    @Override
    public Vm vm(String id) {
        RemoteVm vm = find(id);
        if (vm == null) {
            throw new MultiHostException("No VM [" + id + "] in class [" + owner + "]; its VMs are " + vmIds() + ".");
        }
        return vm;
    }

    @Override
    public synchronized List<String> vmIds() {
        return vms.stream().map(v -> v.id).toList();
    }

    @Override
    public List<String> otherVmIds() {
        return vmIds();
    }

    @Override
    public long pid(String id) {
        return vm(id).pid();
    }

    /** Every thread of each of the class's JVMs (each asked at once, within 5 s), for a test past its deadline. */
    public String threadDumps() {
        List<RemoteVm> all;
        synchronized (this) {
            all = List.copyOf(vms);
        }
        List<CompletableFuture<String>> dumps = all.stream()
                .map(vm -> CompletableFuture.supplyAsync(() -> "VM " + vm.info() + ":\n" + vm.threadDump(), ASYNC)).toList();
        StringBuilder text = new StringBuilder();
        for (CompletableFuture<String> dump : dumps) {
            text.append(dump.join()).append('\n');
        }
        return text.toString();
    }

    // ---- the end of the class ----------------------------------------------------------------

    /**
     * At most how long {@link #close()} takes: every VM's end runs at once, each within the action
     * deadline, then the token files go, each within the action deadline too.
     */
    public Duration closeBound() {
        return actionDeadline.multipliedBy(2).plusSeconds(20);
    }

    /**
     * Ends every VM of the class: those running get their close tasks of run mode ONCE and ALWAYS
     * and exit; whatever does not end within the action deadline is killed. Then each host's token
     * file goes (the logs stay, for a look after the run).
     */
    @Override
    public void close() {
        closing = true;
        timer.shutdownNow();
        List<RemoteVm> all;
        synchronized (this) {
            all = List.copyOf(vms);
        }
        List<CompletableFuture<Void>> ends = all.stream()
                .map(vm -> CompletableFuture.runAsync(() -> end(vm), ASYNC)).toList();
        for (CompletableFuture<Void> end : ends) {
            try {
                end.get(actionDeadline.toNanos() + Duration.ofSeconds(10).toNanos(), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                LOG.warn("Ending a VM of class [{}] failed: {}", owner, e.toString());
            }
        }
        removeTokens();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Removes the run's token file from every host set up, all at once, each within the action deadline. */
    private void removeTokens() {
        List<Map.Entry<Host, HostSetup>> all;
        synchronized (setups) {
            all = List.copyOf(setups.entrySet());
        }
        List<CompletableFuture<Void>> removals = all.stream().map(e -> CompletableFuture.runAsync(() -> {
            Command remove = Command.shell("rm -f " + ShellQuote.quote(e.getValue().tokenFile())).withDeadline(actionDeadline);
            // the class has ended by now: only a clean-up call may still run on its hosts
            if (e.getKey() instanceof CleanUpExec host) {
                host.execToCleanUp(remove);
            } else {
                e.getKey().exec(remove);
            }
        }, ASYNC)).toList();
        for (int i = 0; i < removals.size(); i++) {
            try {
                removals.get(i).get(actionDeadline.toNanos() + Duration.ofSeconds(5).toNanos(), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                LOG.warn("Could not remove the remote JVMs' token file from host [{}] at the end of class [{}]: {}",
                        all.get(i).getKey().name(), owner, e.toString());
            }
        }
    }

    private void end(RemoteVm vm) {
        SpareJvm spare = vm.spare;
        if (spare != null) {
            dropSpare(vm, spare);
        }
        VmConnection connection = vm.connection;
        HostProcess process = vm.process;
        try {
            if (connection != null && connection.isOpen()
                    && (vm.state == RemoteVm.State.RUNNING || vm.state == RemoteVm.State.DISCONNECTED)) {
                vm.stopping = "the end of class [" + owner + "]";
                StopOrder order = new StopOrder(closeTasks(vm, false), null, false);
                Frame done = connection.call(Frame.Type.END, bytes(order, "close tasks"))
                        .get(actionDeadline.toMillis(), TimeUnit.MILLISECONDS);
                if (done.type() == Frame.Type.FAILURE) {
                    LOG.warn("A close task of VM [{}] failed at the end of class [{}].", vm.id, owner);
                }
                connection.closedFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("VM [{}] ({} on {}) did not end by itself at the end of class [{}] ({}); killing it.", vm.id,
                    vm.name, vm.host.name(), owner, e.toString());
        } finally {
            if (process != null && process.isAlive()) {
                process.kill();
            }
            HostProcess tail = vm.logTail;
            if (tail != null && tail.isAlive()) {
                tail.kill();
            }
            vm.state = RemoteVm.State.STOPPED;
        }
    }
}
