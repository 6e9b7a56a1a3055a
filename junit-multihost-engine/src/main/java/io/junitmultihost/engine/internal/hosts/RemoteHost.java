package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostPower;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.owner.Owned;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.owner.Stage;
import io.junitmultihost.engine.internal.reboot.RebootDefaults;
import io.junitmultihost.engine.internal.reboot.Reboots;
import io.junitmultihost.engine.internal.report.RunRecord;
import io.junitmultihost.engine.internal.sync.SyncReachable;
import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.PortForward;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteProcess;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshException;
import io.junitmultihost.ssh.SshHost;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link Host} over the pooled SSH connection of the transport, for one test class: every command,
 * reboot and forward it starts is registered with the class's {@link Owner} while it runs, so that
 * none outlives the class.
 */
final class RemoteHost implements Host, SyncReachable, io.junitmultihost.engine.internal.vm.CleanUpExec {

    private static final AtomicLong ATTACHED_IDS = new AtomicLong();
    /** How many of its console's last lines a failed reboot quotes. */
    private static final int CONSOLE_LINES = 8;
    private static final SecureRandom IDS = new SecureRandom();

    private final HostSpec spec;
    private final SshHost ssh;
    private final Set<String> roles;
    private final HostSettings settings;
    private final HostEvents events;
    private final Owner owner;
    private final StartedProcesses processes = new StartedProcesses();
    /** What every command of the class on this host finds in its environment (a command's own values win). */
    private final Map<String, String> environment = new java.util.concurrent.ConcurrentSkipListMap<>();

    RemoteHost(HostSpec spec, SshHost ssh, Set<String> roles, HostSettings settings, HostEvents events, Owner owner,
            Map<String, String> environment) {
        this.environment.putAll(environment);
        this.spec = spec;
        this.ssh = ssh;
        this.roles = Set.copyOf(roles);
        this.settings = settings;
        this.events = events;
        this.owner = owner;
    }

    /** At most how long stopping one thing of this host may take: ending a command's process group, closing a forward. */
    Duration stopBound() {
        return settings.connectTimeout().plusSeconds(10);
    }

    /** How the host is reached, as its provider described it. */
    HostSpec spec() {
        return spec;
    }

    /** The host's power and link control, for simulated hosts (tests of faults). */
    Optional<HostControl> control() {
        return spec.control();
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String address() {
        return spec.networkAddress();
    }

    @Override
    public Set<String> roles() {
        return roles;
    }

    @Override
    public Map<String, String> labels() {
        return spec.labels();
    }

    @Override
    public ExecResult exec(String... argv) {
        return exec(Command.of(argv));
    }

    @Override
    public ExecResult exec(List<String> argv, Duration deadline) {
        return exec(Command.of(argv).withDeadline(deadline));
    }

    @Override
    public ExecResult exec(Command command) {
        Duration deadline = command.deadline().orElse(settings.execTimeout());
        RemoteCommand remote = toRemote(command);
        RunRecord record = events.record();
        long id = record.nextId();
        String owned = RunRecord.className(owner.name());
        record.add("command.start", name(), owned, "id", id, "command", RunRecord.cut(remote.display(), 200),
                "deadline_ms", deadline.toMillis());
        RemoteResult result;
        try {
            result = SshFailures.translated(name(), () -> run(command, deadline));
        } catch (RuntimeException e) {
            record.add("command.failed", name(), owned, "id", id, "error", e.getClass().getSimpleName(),
                    "message", RunRecord.cut(e.getMessage(), 300));
            throw e;
        }
        record.add("command.end", name(), owned, "id", id, "exit", result.exitCode(),
                "duration_ms", result.duration().toMillis());
        return new ExecResult(name(), remote.display(), result.exitCode(), result.stdout(), result.stderr(),
                result.duration());
    }

    /**
     * Starts the command, registered with the class's owner until it ends, and waits for it. A
     * waiting thread that is interrupted ends the command's process group, as a plain exec would.
     */
    private RemoteResult run(Command command, Duration deadline) {
        // Names the host, not the command: its arguments may hold secrets, and this goes into INFO and WARN lines.
        String what = "a command on host [" + name() + "]";
        AtomicReference<RemoteProcess> started = new AtomicReference<>();
        Owned owned = owner.register(Stage.PROCESSES, what, stopBound(), () -> {
            RemoteProcess process = started.get();
            if (process != null) {
                process.cancel();
            }
        });
        try {
            StreamedLines lines = StreamedLines.of(name(), command);
            RemoteProcess process = lines == null ? ssh.start(toRemote(command), deadline)
                    : ssh.start(toRemote(command), deadline, lines);
            started.set(process);
            if (owner.isClosed()) {
                process.cancel(); // the class ended while it started: it must not outlive it
            }
            try {
                return process.await();
            } catch (SshException e) {
                if (!Thread.interrupted()) {
                    throw e;
                }
                try {
                    process.cancel(); // not interrupted itself: JSch opens no channel on an interrupted thread
                } finally {
                    Thread.currentThread().interrupt();
                }
                throw new MultiHostException("Interrupted while waiting for the " + what + "; it was cancelled, its"
                        + " remote process group ended.", e);
            } catch (CancellationException e) {
                throw new MultiHostException("The " + what + " was cancelled: " + owner.name()
                        + " ended while it ran.", e);
            }
        } finally {
            owned.done();
        }
    }

    @Override
    public ExecResult execShell(String script) {
        return exec(Command.shell(script));
    }

    @Override
    public ExecResult execShell(String script, Duration deadline) {
        return exec(Command.shell(script).withDeadline(deadline));
    }

    @Override
    public HostProcess start(Command command, Consumer<HostProcess.Line> lines) {
        String id = "a" + ATTACHED_IDS.incrementAndGet();
        Consumer<HostProcess.Line> handed = StreamedLines.around(name(), command, lines);
        return startOwned(id, command.toString(), () -> AttachedProcess.start(this, ssh, id, command, toRemote(command),
                handed, settings.execTimeout()), AttachedProcess::onEnd);
    }

    @Override
    public HostProcess startDetached(Command command) {
        byte[] random = new byte[6];
        IDS.nextBytes(random);
        String id = "p" + HexFormat.of().formatHex(random);
        return startOwned(id, command.toString(), () -> DetachedProcess.start(this, id, command,
                toRemote(command).toScript(), settings.execTimeout()), DetachedProcess::onEnd);
    }

    @Override
    public HostProcess process(String id) {
        DetachedScripts.requireId(id);
        for (HostProcess known : processes.snapshot()) {
            if (known.id().equals(id)) {
                return known;
            }
        }
        return startOwned(id, "found by id", () -> DetachedProcess.find(this, id, settings.execTimeout()),
                DetachedProcess::onEnd);
    }

    /**
     * Registers a process with the class's owner, then starts (or finds) it: the owner ends it with the
     * class unless {@code onEnd} reports its end first. Nothing is started once the class has ended.
     */
    private <P extends HostProcess> P startOwned(String id, String command, Supplier<P> start,
            BiConsumer<P, Runnable> onEnd) {
        AtomicReference<P> started = new AtomicReference<>();
        Owned owned = own(id, command, started::get);
        try {
            P process = start.get();
            started.set(process);
            RunRecord record = events.record();
            String recordOwner = RunRecord.className(owner.name());
            record.add("process.start", name(), recordOwner, "process", id, "pid", process.pid(),
                    "command", RunRecord.cut(command, 200));
            onEnd.accept(process, () -> {
                owned.done();
                // only that it ended: how may need its host, which may be rebooting right now
                record.add("process.end", name(), recordOwner, "process", id, "pid", process.pid());
            });
            return processes.add(process);
        } catch (RuntimeException e) {
            owned.done();
            throw e;
        }
    }

    /**
     * Registers a started process with the class's owner, which ends it (and a detached one's files) with the
     * class: left to the class's end, the documented way to end it, so ending it is no WARN.
     */
    private Owned own(String id, String command, Supplier<? extends HostProcess> process) {
        // Names the process and the host, not the command: its arguments may hold secrets (see docs/RELIABILITY.md).
        return owner.registerLeftToTheEnd(Stage.PROCESSES, "process [" + id + "] on host [" + name() + "]",
                stopBound().plus(StartedProcesses.KILL_GRACE), () -> {
                    HostProcess started = process.get();
                    if (started != null) {
                        StartedProcesses.end(started);
                    }
                }, () -> {
                    // a detached process's end is seen only when asked (it may have exited, or died in
                    // a reboot, long ago); an attached one's is seen as it comes, so one still held may run
                    HostProcess started = process.get();
                    return !(started instanceof DetachedProcess detached) || detached.isAlive();
                });
    }

    /**
     * Runs {@code command} without registering it with the class's owner: for ending what the class
     * started while its owner closes. Bounded by the command's deadline.
     */
    @Override
    public ExecResult execToCleanUp(Command command) {
        Duration deadline = command.deadline().orElse(settings.execTimeout());
        RemoteCommand remote = toRemote(command);
        RemoteResult result = SshFailures.translated(name(), () -> ssh.exec(remote, deadline));
        return new ExecResult(name(), remote.display(), result.exitCode(), result.stdout(), result.stderr(),
                result.duration());
    }

    @Override
    public void upload(Path local, String remotePath, Duration deadline) {
        SshFailures.translated(name(), () -> {
            ssh.upload(local, remotePath, deadline);
            return null;
        });
    }

    @Override
    public void download(String remotePath, Path local, Duration deadline) {
        SshFailures.translated(name(), () -> {
            ssh.download(remotePath, local, deadline);
            return null;
        });
    }

    @Override
    public io.junitmultihost.api.PortForward forwardLocal(int hostPort) {
        return forwardLocal(0, "127.0.0.1", hostPort, settings.execTimeout());
    }

    @Override
    public io.junitmultihost.api.PortForward forwardLocal(int localPort, String toHost, int toPort, Duration deadline) {
        checkForward(localPort, toHost, toPort, deadline);
        PortForward forward = SshFailures.translated(name(),
                () -> ssh.forwardLocal(localPort, toHost, toPort, deadline));
        return OwnedForward.own(this, true, toHost, toPort, forward, owner, stopBound());
    }

    @Override
    public io.junitmultihost.api.PortForward forwardRemote(int localPort) {
        return forwardRemote(0, "127.0.0.1", localPort, settings.execTimeout());
    }

    @Override
    public io.junitmultihost.api.PortForward forwardRemote(int hostPort, String toHost, int toPort, Duration deadline) {
        checkForward(hostPort, toHost, toPort, deadline);
        PortForward forward = SshFailures.translated(name(),
                () -> ssh.forwardRemote(hostPort, toHost, toPort, deadline));
        return OwnedForward.own(this, false, toHost, toPort, forward, owner, stopBound());
    }

    private static void checkForward(int port, String toHost, int toPort, Duration deadline) {
        java.util.Objects.requireNonNull(toHost, "toHost");
        java.util.Objects.requireNonNull(deadline, "deadline");
        if (port < 0 || port > 65535 || toPort < 1 || toPort > 65535) {
            throw new IllegalArgumentException("A forward needs a port in 0..65535 (0: any) and a target port in"
                    + " 1..65535; got [" + port + "] to [" + toHost + ":" + toPort + "].");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("A forward's deadline must be positive; got [" + deadline + "].");
        }
    }

    @Override
    public String bootId() {
        String id = BootId.require(exec(Command.of("cat", BootId.PATH)));
        events.bootIdSeen(name(), id, "Host.bootId()");
        return id;
    }

    @Override
    public HostPower power() {
        return new PowerHandle(this, events);
    }

    /** The boot id, read without registering with the class's owner (see {@link #execToCleanUp}). */
    String bootIdToCleanUp() {
        return BootId.require(execToCleanUp(Command.of("cat", BootId.PATH)));
    }

    /** As {@link #bootIdToCleanUp()}, within {@code deadline} (a reconnect included). */
    String bootIdToCleanUp(Duration deadline) {
        return BootId.require(execToCleanUp(Command.of("cat", BootId.PATH).withDeadline(deadline)));
    }

    @Override
    public String cmdline() {
        String text = exec(Command.of("cat", "/proc/cmdline")).assertSuccess().stdout();
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * Starts the host's reboot state machine and returns once the old boot id is read; see
     * {@link io.junitmultihost.engine.internal.reboot.Reboots}.
     */
    @Override
    public Reboot reboot(RebootOptions options) {
        return Reboots.start(this, ssh, options, rebootDefaults(), events, owner);
    }

    /** Starts the host's reboot state machine and returns at once, for reboots of many hosts. */
    Reboot beginReboot(RebootOptions options) {
        return Reboots.begin(this, ssh, options, rebootDefaults(), events, owner);
    }

    private RebootDefaults rebootDefaults() {
        return new RebootDefaults(spec.rebootCommand().orElse(settings.rebootCommand()), settings.rebootTimeout(),
                settings.connectTimeout(), () -> control().map(c -> c.consoleTail(CONSOLE_LINES)).orElse(List.of()));
    }

    @Override
    public void exportToCommands(String name, String value) {
        environment.put(name, value);
    }

    private RemoteCommand toRemote(Command command) {
        RemoteCommand remote = command.script().map(RemoteCommand::shell)
                .orElseGet(() -> RemoteCommand.argv(command.argv().orElseThrow()));
        if (!environment.isEmpty()) {
            remote = remote.withEnv(environment);
        }
        if (!command.env().isEmpty()) {
            remote = remote.withEnv(command.env());
        }
        if (command.directory().isPresent()) {
            remote = remote.withDirectory(command.directory().get());
        }
        byte[] stdin = command.stdin();
        if (stdin.length > 0) {
            remote = remote.withStdin(stdin);
        }
        return remote;
    }

    @Override
    public String toString() {
        return "Host[" + name() + " " + spec.user() + "@" + address() + ":" + spec.port() + ", roles=" + roles + "]";
    }

    @Override
    public int forwardToTestJvm(int localPort, Duration deadline) {
        return forwardToTestJvm(localPort, deadline, null);
    }

    @Override
    public int forwardToTestJvm(int localPort, Duration deadline, ForwardWatcher watcher) {
        PortForward forward = SshFailures.translated(name(), () -> ssh.forwardRemote(0, "127.0.0.1", localPort, deadline));
        if (watcher != null) {
            forward.onChange(new PortForward.Listener() {
                @Override
                public void moved(int from, int to) {
                    watcher.moved(to);
                }

                @Override
                public void lost(String why) {
                    watcher.lost(why);
                }
            });
        }
        try {
            owner.register(Stage.FORWARDS, "forward [" + forward + "] of host [" + name() + "]", stopBound(), forward);
        } catch (MultiHostException e) {
            forward.close();
            throw e;
        }
        return forward.port();
    }

    @Override
    public void reconnect(Duration deadline) {
        SshFailures.translated(name(), () -> ssh.exec(RemoteCommand.argv("true"), deadline));
    }
}
