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
import io.junitmultihost.ssh.ProcessGroups;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@link HostProcess} that runs apart from SSH ({@link DetachedScripts}): every call asks the host
 * over a fresh command, so the handle works across reconnects and from another handle found by id.
 */
final class DetachedProcess implements HostProcess {

    /** The most of each output file read back. */
    static final int OUTPUT_LIMIT = 4 * 1024 * 1024;
    /** The least time one ask of waitFor gets, so that a deadline all but spent still asks once. */
    static final Duration MIN_ASK = Duration.ofMillis(200);

    private final RemoteHost host;
    private final String id;
    private final String command;
    private final long pid;
    private final Duration callDeadline;
    private volatile boolean killed;
    private volatile ProcessEnd end;
    private final java.util.List<Runnable> onEnd = new java.util.concurrent.CopyOnWriteArrayList<>();

    private DetachedProcess(RemoteHost host, String id, String command, long pid, Duration callDeadline) {
        this.host = host;
        this.id = id;
        this.command = command;
        this.pid = pid;
        this.callDeadline = callDeadline;
    }

    static DetachedProcess start(RemoteHost host, String id, Command command, String script, Duration callDeadline) {
        if (command.stdin().length > 0 || command.deadline().isPresent()) {
            throw new IllegalArgumentException("A detached process reads /dev/null and runs until it ends or is killed;"
                    + " command [" + command + "] has " + (command.stdin().length > 0 ? "stdin" : "a deadline")
                    + ". Use Host.start for that.");
        }
        ExecResult started = host.execToCleanUp(Command.shell(DetachedScripts.start(id, command.toString()))
                .withStdin(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)).withDeadline(callDeadline));
        if (started.exitCode() != 0) {
            throw new MultiHostException("Could not start [" + command + "] detached on host [" + host.name()
                    + "]: the start script exited with [" + started.exitCode() + "], stderr [" + started.stderr().strip()
                    + "].");
        }
        return new DetachedProcess(host, id, command.toString(), Long.parseLong(started.stdout().strip()), callDeadline);
    }

    /** The detached process {@code id} on {@code host}, as the host knows it. */
    static DetachedProcess find(RemoteHost host, String id, Duration callDeadline) {
        Status status = Status.read(host, id, 0, callDeadline);
        DetachedProcess found = new DetachedProcess(host, id, status.command, status.pid, callDeadline);
        found.see(status);
        return found;
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
        return command;
    }

    @Override
    public boolean isDetached() {
        return true;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public boolean isAlive() {
        return end().isEmpty();
    }

    @Override
    public ExecResult waitFor(Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        MultiHostException unreachable = null;
        while (true) {
            long left = until - System.nanoTime();
            // the host waits at most 5 s for the end and answers a second before the deadline; each
            // ask (a reconnect included) is bounded by what is left of the deadline, not by its own timeouts
            int tenths = (int) Math.max(0, Math.min(50, (left - 1_000_000_000L) / 100_000_000L));
            Duration ask = Duration.ofNanos(Math.max(MIN_ASK.toNanos(), Math.min(left,
                    callDeadline.plusMillis(tenths * 100L).toNanos())));
            try {
                Status status = Status.read(host, id, tenths, ask);
                see(status);
                if (end != null) {
                    return result(status, until);
                }
                unreachable = null;
            } catch (HostUnavailableException | CommandTimeoutException e) {
                unreachable = e; // a rebooting host, a cut link: ask again until the deadline
                pause(until);
            }
            if (until - System.nanoTime() <= 0) {
                if (unreachable != null) {
                    throw new HostUnavailableException("Process [" + id + "] ([" + command + "]) on host [" + host.name()
                            + "]: the host could not be reached by the deadline [" + deadline.toMillis() + " ms]: "
                            + unreachable.getMessage(), unreachable);
                }
                throw new CommandTimeoutException("Process [" + id + "] ([" + command + "]) on host [" + host.name()
                        + "] still runs after [" + deadline.toMillis() + " ms]; it was left running (kill() ends it).");
            }
        }
    }

    /** Waits a little before asking a host that did not answer again, never past {@code until}. */
    private static void pause(long until) {
        try {
            long left = until - System.nanoTime();
            if (left > 0) {
                Thread.sleep(Math.min(200, left / 1_000_000 + 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultiHostException("Interrupted while waiting for a detached process.", e);
        }
    }

    /** The process's result; its output is read within what is left until {@code until} (System.nanoTime). */
    private ExecResult result(Status status, long until) {
        if (end.exitCode().isEmpty() || end.reason() == ProcessEnd.Reason.REBOOT) {
            throw new ProcessLostException("Process [" + id + "] ([" + command + "]) on host [" + host.name() + "] "
                    + end + ".", end);
        }
        byte[] out = read("out", within(until));
        byte[] err = read("err", within(until));
        Duration took = status.started > 0 && status.ended >= status.started
                ? Duration.ofSeconds(status.ended - status.started) : Duration.ZERO;
        return new ExecResult(host.name(), command, end.exitCode().getAsInt(), out, err, took);
    }

    private byte[] read(String stream, Duration deadline) {
        return host.execToCleanUp(Command.shell(DetachedScripts.tail(id, stream, OUTPUT_LIMIT)).withDeadline(deadline))
                .stdoutBytes();
    }

    /** A call's deadline, but no later than {@code until} (System.nanoTime), and at least {@link #MIN_ASK}. */
    private Duration within(long until) {
        return Duration.ofNanos(Math.max(MIN_ASK.toNanos(), Math.min(until - System.nanoTime(), callDeadline.toNanos())));
    }

    /** Runs {@code action} once its end has been seen (by any call that asked the host). */
    void onEnd(Runnable action) {
        onEnd.add(action);
        if (end != null) {
            action.run();
        }
    }

    private void see(Status status) {
        if (end != null) {
            return;
        }
        seeEnd(status);
        if (end != null) {
            onEnd.forEach(Runnable::run);
        }
    }

    private void seeEnd(Status status) {
        boolean rebooted = !status.bootNow.equals(status.bootAtStart);
        if (status.exit != null && rebooted && status.exit > 128 && !killed) {
            // a shutdown signals every process before the reboot: its status is the reboot's doing
            end = new ProcessEnd(ProcessEnd.Reason.REBOOT, OptionalInt.of(status.exit), status.bootAtStart,
                    Optional.of(status.bootNow));
        } else if (status.exit != null) {
            end = new ProcessEnd(killed ? ProcessEnd.Reason.KILLED : ProcessEnd.Reason.EXITED,
                    OptionalInt.of(status.exit), status.bootAtStart, Optional.of(status.bootNow));
        } else if (rebooted) {
            end = new ProcessEnd(ProcessEnd.Reason.REBOOT, OptionalInt.empty(), status.bootAtStart,
                    Optional.of(status.bootNow));
        } else if (!status.running) {
            // gone without its status: its wrapper was killed with it (KILL to the group)
            end = new ProcessEnd(killed ? ProcessEnd.Reason.KILLED : ProcessEnd.Reason.EXITED, OptionalInt.empty(),
                    status.bootAtStart, Optional.of(status.bootNow));
        }
    }

    @Override
    public void signal(String signal) {
        if (end().isEmpty()) {
            host.execToCleanUp(toCommand(ProcessGroups.signal(pid, signal).argvList()));
        }
    }

    @Override
    public void kill() {
        if (end().isEmpty()) {
            killed = true;
            host.execToCleanUp(Command.shell(ProcessGroups.killTree(pid, StartedProcesses.KILL_GRACE).script())
                    .withDeadline(callDeadline));
            see(Status.read(host, id, 0, callDeadline));
        }
    }

    /** Kills it if it runs and removes its directory on the host, at the end of its class. */
    void killAndRemove() {
        try {
            kill();
        } finally {
            host.execToCleanUp(Command.shell(DetachedScripts.remove(id)).withDeadline(callDeadline));
        }
    }

    private Command toCommand(List<String> argv) {
        return Command.of(argv).withDeadline(callDeadline);
    }

    @Override
    public List<Line> output() {
        List<Line> lines = new ArrayList<>();
        for (String text : new String(read("out", callDeadline), StandardCharsets.UTF_8).lines().toList()) {
            lines.add(new Line(Stream.STDOUT, text));
        }
        for (String text : new String(read("err", callDeadline), StandardCharsets.UTF_8).lines().toList()) {
            lines.add(new Line(Stream.STDERR, text));
        }
        return lines;
    }

    @Override
    public Optional<ProcessEnd> end() {
        if (end == null) {
            see(Status.read(host, id, 0, callDeadline));
        }
        return Optional.ofNullable(end);
    }

    @Override
    public String toString() {
        return "HostProcess[" + id + " (detached) pid " + pid + " on " + host.name() + ": " + command + "]";
    }

    /** What {@link DetachedScripts#status} printed. */
    private record Status(String bootAtStart, String bootNow, long pid, long started, long ended, Integer exit,
            boolean running, String command) {

        static Status read(RemoteHost host, String id, int waitTenths, Duration deadline) {
            ExecResult result = host.execToCleanUp(Command.shell(DetachedScripts.status(id, waitTenths)).withDeadline(deadline));
            String text = result.assertSuccess().stdout();
            if (text.strip().equals("missing")) {
                throw new MultiHostException("Host [" + host.name() + "] has no detached process [" + id
                        + "] (no ~/.junit-multihost/processes/" + id + "): it was never started there, or its class"
                        + " ended and removed it.");
            }
            int commandAt = text.indexOf("\ncommand\n");
            Map<String, String> values = new HashMap<>();
            for (String line : (commandAt < 0 ? text : text.substring(0, commandAt)).split("\n")) {
                int space = line.indexOf(' ');
                values.put(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1).strip());
            }
            String exit = values.get("exit");
            return new Status(values.getOrDefault("start", ""), values.getOrDefault("now", ""),
                    number(values.get("pid")), number(values.get("started")), number(values.get("ended")),
                    exit == null || exit.isEmpty() ? null : Integer.valueOf(exit), values.containsKey("running"),
                    commandAt < 0 ? "" : text.substring(commandAt + "\ncommand\n".length()));
        }

        private static long number(String text) {
            return text == null || !text.matches("[0-9]+") ? -1 : Long.parseLong(text);
        }
    }
}
