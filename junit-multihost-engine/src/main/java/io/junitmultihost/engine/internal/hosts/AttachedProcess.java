package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.CommandTimeoutException;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.ProcessEnd;
import io.junitmultihost.api.ProcessLostException;
import io.junitmultihost.engine.internal.faults.ActiveFaults;
import io.junitmultihost.ssh.ProcessGroups;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteProcess;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshHost;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/** A {@link HostProcess} on an SSH channel of its own: it lives as long as the channel does. */
final class AttachedProcess implements HostProcess {

    /** How long a started process without a deadline may run: in practice until its class ends. */
    private static final Duration NO_DEADLINE = Duration.ofDays(365);

    private final RemoteHost host;
    private final SshHost ssh;
    private final String id;
    private final Command command;
    private final String bootIdAtStart;
    private final RemoteProcess remote;
    private final KeptLines lines;
    private final long pid;
    private final Duration callDeadline;
    /** When the command's own deadline ends it (System.nanoTime), or Long.MAX_VALUE. */
    private final long endBy;
    private volatile boolean killed;
    private volatile ProcessEnd end;
    /** Whether {@link #end} is a loss seen while the host could not tell its boot id (see {@link #lostEnd}). */
    private volatile boolean bootIdUnknown;

    private AttachedProcess(RemoteHost host, SshHost ssh, String id, Command command, String bootIdAtStart,
            RemoteProcess remote, KeptLines lines, long pid, Duration callDeadline, long endBy) {
        this.host = host;
        this.ssh = ssh;
        this.id = id;
        this.command = command;
        this.bootIdAtStart = bootIdAtStart;
        this.remote = remote;
        this.lines = lines;
        this.pid = pid;
        this.callDeadline = callDeadline;
        this.endBy = endBy;
    }

    /** Starts {@code command} and returns once the host reported its process group, within {@code callDeadline}. */
    static AttachedProcess start(RemoteHost host, SshHost ssh, String id, Command command, RemoteCommand remoteCommand,
            Consumer<Line> consumer, Duration callDeadline) {
        String bootId = host.bootIdToCleanUp();
        KeptLines kept = new KeptLines(id, consumer);
        long started = System.nanoTime();
        RemoteProcess remote = SshFailures.translated(
                () -> ssh.start(remoteCommand, command.deadline().orElse(NO_DEADLINE), kept));
        long endBy = command.deadline().map(d -> started + d.toNanos()).orElse(Long.MAX_VALUE);
        long pid = awaitPid(host, remote, command, callDeadline);
        return new AttachedProcess(host, ssh, id, command, bootId, remote, kept, pid, callDeadline, endBy);
    }

    private static long awaitPid(Host host, RemoteProcess remote, Command command, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        while (remote.pid().isEmpty() && !remote.isDone()) {
            if (System.nanoTime() - until > 0) {
                remote.cancel();
                throw new HostUnavailableException("Host [" + host.name() + "] did not report the process of command ["
                        + command + "] within [" + within.toMillis() + " ms]; it was ended.");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                remote.cancel();
                throw new MultiHostException("Interrupted while starting [" + command + "] on host [" + host.name()
                        + "]; it was ended.", e);
            }
        }
        return remote.pid().orElse(-1);
    }

    /** Runs {@code action} once the process has ended, however it ended. */
    void onEnd(Runnable action) {
        remote.future().whenComplete((result, failure) -> action.run());
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String command() {
        return command.toString();
    }

    @Override
    public boolean isDetached() {
        return false;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public boolean isAlive() {
        return !remote.isDone();
    }

    @Override
    public ExecResult waitFor(Duration deadline) {
        long now = System.nanoTime();
        long until = now + deadline.toNanos();
        // a wait begun while the process may still run ends by the process's own deadline
        return await(deadline, now < endBy ? Math.min(until, endBy) : until);
    }

    /**
     * Waits up to {@code wait} for the end; a lost channel's boot id is asked for until
     * {@code askUntil} (System.nanoTime): a dead host then fails the call by then, its end
     * provisional (see {@link #lostEnd}).
     */
    private ExecResult await(Duration wait, long askUntil) {
        Optional<RemoteResult> result;
        try {
            result = remote.await(wait);
        } catch (io.junitmultihost.ssh.SshSessionLostException | io.junitmultihost.ssh.SshConnectException e) {
            ProcessEnd lost = lostEnd(askUntil);
            throw new ProcessLostException(ActiveFaults.named("Process [" + id + "] ([" + command + "]) on host ["
                    + host.name() + "] " + lost + ".", host.name()), lost);
        } catch (io.junitmultihost.ssh.SshException e) {
            throw SshFailures.translate(e, host.name());
        } catch (java.util.concurrent.CancellationException e) {
            throw new MultiHostException("Process [" + id + "] ([" + command + "]) on host [" + host.name()
                    + "] was cancelled.", e);
        }
        if (result.isEmpty()) {
            throw new CommandTimeoutException(ActiveFaults.named("Process [" + id + "] ([" + command + "]) on host ["
                    + host.name() + "] still runs after [" + wait.toMillis() + " ms]; it was left running (kill() ends it).",
                    host.name()));
        }
        RemoteResult r = result.get();
        if (end == null) {
            end = new ProcessEnd(killed ? ProcessEnd.Reason.KILLED : ProcessEnd.Reason.EXITED,
                    OptionalInt.of(r.exitCode()), bootIdAtStart, Optional.of(bootIdAtStart));
        }
        return new ExecResult(host.name(), command.toString(), r.exitCode(), r.stdout(), r.stderr(), r.duration());
    }

    /**
     * The end of a process whose channel was lost: a reboot when the host answers with another boot
     * id. The loss is usually noticed while the host is down (a reboot ends the channel before the
     * new boot answers), so an end whose boot id could not be read is provisional: each later call
     * asks the host again, until it answers.
     */
    private ProcessEnd lostEnd(long askUntil) {
        if (end == null || bootIdUnknown) {
            Optional<String> now = readBootId(Duration.ofNanos(Math.max(DetachedProcess.MIN_ASK.toNanos(),
                    Math.min(askUntil - System.nanoTime(), callDeadline.toNanos()))));
            if (end == null || now.isPresent()) {
                end = new ProcessEnd(now.isPresent() && !now.get().equals(bootIdAtStart) ? ProcessEnd.Reason.REBOOT
                        : ProcessEnd.Reason.CONNECTION_LOST, OptionalInt.empty(), bootIdAtStart, now);
            }
            bootIdUnknown = now.isEmpty();
        }
        return end;
    }

    private Optional<String> readBootId(Duration within) {
        try {
            return Optional.of(host.bootIdToCleanUp(within));
        } catch (MultiHostException unreachable) {
            return Optional.empty();
        }
    }

    @Override
    public void signal(String signal) {
        RemoteCommand send = ProcessGroups.signal(requirePid(), signal);
        if (!remote.isDone()) {
            SshFailures.translated(() -> ssh.exec(send, callDeadline));
        }
    }

    @Override
    public void kill() {
        if (pid <= 1) {
            remote.cancel();
            return;
        }
        killed = true;
        boolean mayRun = !remote.isDone()
                || end().filter(e -> e.reason() == ProcessEnd.Reason.CONNECTION_LOST).isPresent();
        if (!mayRun) {
            return;
        }
        if (remote.isDone() && readBootId(callDeadline).filter(bootIdAtStart::equals).isEmpty()) {
            return; // a lost channel on a host that rebooted since: nothing of it can run
        }
        // sshd does not signal a command whose channel is gone, so a lost one may still run: killed the same way
        SshFailures.translated(() -> ssh.exec(ProcessGroups.killTree(pid, StartedProcesses.KILL_GRACE), callDeadline));
        try {
            remote.await(callDeadline);
        } catch (RuntimeException lostMeanwhile) {
            // its end is recorded by end() below; killing it is what was asked
        }
        end();
    }

    private long requirePid() {
        if (pid <= 1) {
            throw new MultiHostException("Host [" + host.name() + "] never reported the process group of [" + command
                    + "]; it cannot be signalled.");
        }
        return pid;
    }

    @Override
    public List<Line> output() {
        return lines.snapshot();
    }

    @Override
    public Optional<ProcessEnd> end() {
        if (end == null && remote.isDone()) {
            try {
                await(Duration.ZERO, System.nanoTime() + callDeadline.toNanos());
            } catch (MultiHostException alreadyKnown) {
                // the end is recorded by waitFor where it can be
            }
        }
        return Optional.ofNullable(end);
    }

    @Override
    public String toString() {
        return "HostProcess[" + id + " pid " + pid + " on " + host.name() + ": " + command + "]";
    }
}
