package io.junitmultihost.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command on one exec channel: start it, complete a future when its channel closes, and on
 * deadline or cancel end its remote process group from a second channel (sshd does not signal a
 * command whose channel closes). Output is captured into bounded buffers by JSch's session thread,
 * which must never block; an optional line consumer gets the same bytes as lines on a thread of
 * its own.
 */
final class ExecRun {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.exec");
    /** How long a caller past its deadline waits for the host to answer its command's kill (milliseconds on a live link). */
    static final Duration KILL_WAIT = Duration.ofSeconds(1);
    private static final Map<String, Integer> SIGNALS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6),
            Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10),
            Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14),
            Map.entry("TERM", 15));

    /** The channel could not be opened: the command certainly did not start, so it may be retried. */
    static final class NotStarted extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean sessionSuspect;

        NotStarted(JSchException cause, boolean sessionSuspect) {
            super(cause.getMessage(), cause);
            this.sessionSuspect = sessionSuspect;
        }
    }

    private final SshTarget target;
    private final RemoteCommand command;
    private final PoolSettings settings;
    private final String marker = RemoteScript.newMarker();
    private final CompletableFuture<RemoteResult> future = new CompletableFuture<>();
    private final BoundedCapture stdout;
    private final BoundedCapture stderr;
    private final OutputStream stdoutSink;
    private final OutputStream stderrSink;
    private final LineDelivery lines;
    private volatile long pgid = -1;
    private volatile String endedHow;
    /** The kill script found the command's shell gone while processes it started still ran. */
    private volatile boolean shellGone;
    /** The kill script ran, so it would have seen the shell gone. */
    private volatile boolean looked;
    private volatile boolean ending;
    private volatile Session session;
    private volatile ChannelExec channel;
    private volatile long startedNanos = System.nanoTime();

    private final ScheduledExecutorService timer;
    private final RemoteKills kills;
    /** The exec request's bytes, checked for size when the run is made, before anything is sent. */
    private final byte[] request;

    ExecRun(SshTarget target, RemoteCommand command, PoolSettings settings, Consumer<OutputLine> lineConsumer,
            java.util.concurrent.Executor lineExecutor, ScheduledExecutorService timer, RemoteKills kills) {
        this.timer = timer;
        this.kills = kills;
        this.request = RemoteScript.wrapChecked(command, marker, target);
        this.target = target;
        this.command = command;
        this.settings = settings;
        this.stdout = new BoundedCapture(settings.maxCapturedBytes(), () -> { });
        this.stderr = new BoundedCapture(settings.maxCapturedBytes(), this::channelClosed);
        if (lineConsumer == null) {
            this.lines = null;
            this.stdoutSink = stdout;
            this.stderrSink = new PgidMarkerFilter(marker, stderr, pid -> this.pgid = pid);
        } else {
            this.lines = new LineDelivery(lineConsumer, lineExecutor);
            this.stdoutSink = new Tee(stdout, new LineSink(OutputLine.Source.STDOUT, lines));
            this.stderrSink = new PgidMarkerFilter(marker,
                    new Tee(stderr, new LineSink(OutputLine.Source.STDERR, lines)), pid -> this.pgid = pid);
        }
    }

    /** Opens the channel and sends the command. */
    void start(Session session, Deadline deadline) throws NotStarted {
        this.session = session;
        long openStarted = System.nanoTime();
        int openTimeout = deadline.remainingMillisCapped(settings.channelOpenTimeout().toMillis());
        ChannelExec opened;
        try {
            opened = Channels.open(session, "exec");
        } catch (JSchException e) {
            throw new NotStarted(e, true);
        }
        opened.setCommand(request);
        opened.setOutputStream(stdoutSink, false);
        opened.setExtOutputStream(stderrSink, false);
        if (command.hasStdin()) {
            opened.setInputStream(new ByteArrayInputStream(command.stdinUnsafe()), false);
        }
        channel = opened;
        // connect() without a timeout: with one, JSch polls for the exec request's reply in 10 ms
        // sleeps, a quarter of a fast command's latency. The open is bounded by this watchdog
        // instead: a channel that does not open in time means a sick session, which is dropped.
        ScheduledFuture<?> watchdog = timer.schedule(() -> {
            if (!opened.isConnected()) {
                LOG.warn("Channel to host [{}] did not open within [{} ms]; dropping the session.",
                        target.describe(), openTimeout);
                SessionSockets.abort(session); // a sick session may be stuck in a write: disconnect() would wait for it
                session.disconnect();
            }
        }, openTimeout, TimeUnit.MILLISECONDS);
        try {
            startedNanos = System.nanoTime();
            opened.connect();
        } catch (JSchException e) {
            opened.disconnect();
            String message = String.valueOf(e.getMessage());
            if (message.contains("channel is not opened") || message.contains("session is down")) {
                long tookMillis = (System.nanoTime() - openStarted) / 1_000_000;
                throw new NotStarted(e, !session.isConnected() || tookMillis >= openTimeout * 9L / 10);
            }
            if (e.getCause() instanceof java.io.IOException) {
                // the open or the request could not be written: the connection broke under JSch
                // before it noticed (a write of ours met the host's reset), and the command was not sent
                throw new NotStarted(e, true);
            }
            if (!session.isConnected()) {
                throw lost(e);
            }
            throw new SshException("Host [" + target.describe() + "] refused to run command [" + command.display()
                    + "]: " + message + ". Check sshd's logs on the host.", e);
        } finally {
            watchdog.cancel(false);
        }
        // Without stdin of its own the command reads /dev/null, and the channel's stdin stays open
        // without data: its end tells the host that the session is gone (RemoteScript.SESSION_WATCH).
    }

    /** Called on JSch's session thread when the channel closed (exit, or the session died). */
    private void channelClosed() {
        ChannelExec closed = channel;
        if (closed == null || ending) {
            return; // whoever is ending the command completes the future, with the reason
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        int status = closed.getExitStatus();
        String signal = closed.getExitSignal();
        if (status == -1 && signal == null) {
            // a dying session closes its channels before it counts as disconnected: look again shortly
            try {
                timer.schedule(() -> {
                    future.completeExceptionally(session.isConnected() ? refused() : lost(null));
                    endOrphan();
                }, 100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException poolClosed) {
                future.completeExceptionally(lost(null));
            }
            return;
        }
        int exitCode = signal != null ? 128 + SIGNALS.getOrDefault(signal, 0) : status;
        if (stdout.dropped() > 0 || stderr.dropped() > 0) {
            // No command line at WARN: its arguments may hold secrets; it is at DEBUG below.
            LOG.warn("A command on host [{}] printed more output than is kept ({}); dropped [{}] bytes of stdout and [{}]"
                    + " of stderr.", target.describe(), BoundedCapture.limits(settings.maxCapturedBytes()), stdout.dropped(),
                    stderr.dropped());
        }
        LOG.debug("Command [{}] on host [{}] exited with [{}] after [{} ms].", command.display(), target.describe(),
                exitCode, took.toMillis());
        future.complete(new RemoteResult(exitCode, stdout.toByteArray(), stderr.toByteArray(), took));
    }

    /**
     * The channel closed without an exit status (its session died, or sshd's process for it): the
     * command may still run, and no one will ask for it again. Its process group is ended now, or
     * queued for the host's next connection (a session that died cannot run the kill).
     */
    private void endOrphan() {
        long group = pgid;
        Session lostOn = session;
        if (group > 1 && lostOn != null) {
            LOG.debug("Ending remote process group [{}] of command [{}] on host [{}]: its channel closed without an"
                    + " exit status.", group, command.display(), target.describe());
            kills.end(lostOn, group, startedNanos, command.display(), !lostOn.isConnected());
        }
    }

    /** Waits for the command within the deadline; on deadline ends the remote process group. */
    RemoteResult await(Deadline deadline) {
        try {
            RemoteResult result = future.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
            awaitLines(deadline);
            return result;
        } catch (TimeoutException e) {
            if (future.isDone()) {
                return finished(); // finished just as the deadline passed
            }
            throw timedOut(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ending = true;
            String how = endRemote("interrupted");
            SshException interrupted = new SshException("Interrupted while waiting for command ["
                    + command.display() + "] on host [" + target.describe() + "]; " + how + ".", e);
            future.completeExceptionally(interrupted);
            throw interrupted;
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        } finally {
            disconnect();
        }
    }

    private RemoteResult finished() {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** Ends the remote process group because the deadline passed, and says so in an exception. */
    SshTimeoutException timedOut(Deadline deadline) {
        ending = true;
        String how = endRemote("deadline");
        ChannelExec open = channel;
        int exitStatus = open == null ? -1 : open.getExitStatus();
        String advice = BackgroundHint.advice(command, shellGone || exitStatus != -1, exitStatus, looked);
        SshTimeoutException timeout = new SshTimeoutException("Command [" + command.display() + "] on host ["
                + target.describe() + "] did not finish within [" + HumanDuration.of(deadline.budget()) + "]; " + how
                + ". " + advice, stdout.toByteArray(), stderr.toByteArray(), null);
        future.completeExceptionally(timeout);
        return timeout;
    }

    /** Ends the remote process group on the caller's request. */
    void cancel() {
        if (future.isDone()) {
            return;
        }
        ending = true;
        endRemote("cancelled");
        future.completeExceptionally(new CancellationException("Command [" + command.display() + "] on host ["
                + target.describe() + "] was cancelled; its remote process group was ended."));
        disconnect();
    }

    void awaitLines(Deadline deadline) throws InterruptedException {
        if (lines != null && !lines.awaitFinished(Math.max(1_000_000, deadline.remainingNanos()))) {
            LOG.warn("The line consumer of a command on host [{}] had not taken every line by the deadline.",
                    target.describe());
            LOG.debug("That command was [{}].", command.display());
        }
    }

    static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof SshSessionLostException lost) {
            return new SshSessionLostException(lost.getMessage(), lost);
        }
        if (cause instanceof SshTimeoutException timeout) {
            return new SshTimeoutException(timeout.getMessage(), timeout.partialStdout(), timeout.partialStderr(),
                    timeout);
        }
        if (cause instanceof CancellationException cancelled) {
            CancellationException copy = new CancellationException(cancelled.getMessage());
            copy.initCause(cancelled);
            return copy;
        }
        if (cause instanceof SshException ssh) {
            return new SshException(ssh.getMessage(), ssh);
        }
        return new SshException("Unexpected failure: " + cause, cause);
    }

    private SshException refused() {
        return new SshException("Host [" + target.describe() + "] closed the channel of command [" + command.display()
                + "] without an exit status: sshd refused to run it or its session process died. Check sshd's logs"
                + " on the host (ForceCommand, MaxSessions).");
    }

    private SshSessionLostException lost(Exception cause) {
        Duration after = Duration.ofNanos(System.nanoTime() - startedNanos);
        return new SshSessionLostException("Lost the connection to host [" + target.describe()
                + "] while command [" + command.display() + "] was running (after [" + HumanDuration.of(after)
                + "]). Whether it"
                + " completed on the host is unknown; check whether the host rebooted, sshd was killed or the link was"
                + " cut.", cause);
    }

    CompletableFuture<RemoteResult> future() {
        return future;
    }

    RemoteCommand command() {
        return command;
    }

    byte[] stdoutSoFar() {
        return stdout.toByteArray();
    }

    byte[] stderrSoFar() {
        return stderr.toByteArray();
    }

    /** The remote process group id, or -1 while the host has not reported it. */
    long pgid() {
        return pgid;
    }

    void disconnect() {
        ChannelExec current = channel;
        if (current != null) {
            current.disconnect();
        }
    }

    /**
     * Ends the remote process group (TERM, then KILL) once, and says what happened, for messages.
     * The kill runs off this thread; this waits for it only while the host answers: at most
     * {@link #KILL_WAIT} for its channel to open, so a dead link does not hold the caller. A kill
     * that cannot reach the host runs on the host's next connection.
     */
    synchronized String endRemote(String why) {
        if (endedHow != null) {
            return endedHow;
        }
        long group = pgid;
        if (group <= 1 || session == null) {
            disconnect();
            endedHow = "its remote process could not be identified, so it may still run on the host";
            return endedHow;
        }
        LOG.debug("Ending remote process group [{}] of command [{}] on host [{}] ({}).", group, command.display(),
                target.describe(), why);
        RemoteKills.Kill kill = kills.end(session, group, startedNanos, command.display());
        boolean interrupted = Thread.interrupted(); // wait for the kill even when ending because of an interrupt
        try {
            // a host that answers gets the time the kill takes; one that does not, KILL_WAIT
            kill.opened().get(KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS);
            int status = kill.done().get(settings.killGrace().plus(KILL_WAIT).toNanos(), TimeUnit.NANOSECONDS);
            LOG.debug("Ended remote process group [{}] of command [{}] on host [{}] ({}; kill script exit [{}]).",
                    group, command.display(), target.describe(), why, status);
            shellGone = status == RemoteScript.SHELL_GONE;
            looked = true;
            endedHow = "its remote process group [" + group + "] was ended (TERM, then KILL after ["
                    + HumanDuration.of(settings.killGrace()) + "])";
        } catch (TimeoutException e) {
            endedHow = "its remote process group [" + group + "] is being ended (not confirmed in time; if the host"
                    + " cannot be reached now, that happens on the next connection to it)";
        } catch (ExecutionException e) {
            endedHow = "its remote process group [" + group + "] could not be ended now (" + e.getCause().getMessage()
                    + "); it is ended on the next connection to the host";
        } catch (InterruptedException e) {
            interrupted = true;
            endedHow = "its remote process group [" + group + "] is being ended";
        } finally {
            disconnect();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return endedHow;
    }

    /** Writes to two streams and closes both. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            try {
                second.close();
            } finally {
                first.close();
            }
        }
    }
}
