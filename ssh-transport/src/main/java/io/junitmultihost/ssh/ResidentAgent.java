package io.junitmultihost.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one resident agent ({@link AgentScript}) on one session: one exec channel,
 * one request at a time (callers hold {@link #lock()}), replies matched by id.
 */
final class ResidentAgent {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.agent");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SshTarget target;
    private final PoolSettings settings;
    private final Session session;
    private final RemoteKills kills;
    private final String boundary;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();
    private ChannelExec channel;
    private OutputStream requests;
    private volatile Pending current;
    private volatile boolean broken;

    /** One request in flight. */
    private final class Pending {
        final String id;
        final BoundedCapture stdout = new BoundedCapture(settings.maxCapturedBytes(), () -> { });
        final BoundedCapture stderr = new BoundedCapture(settings.maxCapturedBytes(), () -> { });
        final CompletableFuture<String> reply = new CompletableFuture<>();
        final CompletableFuture<Void> stderrEnd = new CompletableFuture<>();
        volatile long pid = -1;
        final long startedNanos = System.nanoTime();

        Pending(String id, boolean exec) {
            this.id = id;
            if (!exec) {
                stderrEnd.complete(null);
            }
        }
    }

    private ResidentAgent(SshTarget target, PoolSettings settings, Session session, RemoteKills kills) {
        this.kills = kills;
        this.target = target;
        this.settings = settings;
        this.session = session;
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        this.boundary = "JMHAGENT" + HexFormat.of().formatHex(nonce);
    }

    /** Starts an agent on {@code session} and checks that it answers; throws {@link SshException} if not. */
    static ResidentAgent start(SshTarget target, PoolSettings settings, Session session, RemoteKills kills,
            Deadline deadline) {
        ResidentAgent agent = new ResidentAgent(target, settings, session, kills);
        agent.open(deadline);
        return agent;
    }

    private void open(Deadline deadline) {
        long started = System.nanoTime();
        try {
            channel = Channels.open(session, "exec");
            channel.setCommand(AgentScript.commandLine().getBytes(StandardCharsets.UTF_8));
            channel.setOutputStream(new AgentFrames(boundary, new StdoutListener()), false);
            channel.setExtOutputStream(new AgentFrames(boundary, new StderrListener()), false);
            requests = channel.getOutputStream();
            channel.connect(deadline.remainingMillisCapped(settings.channelOpenTimeout().toMillis()));
            requests.write((boundary + "\n").getBytes(StandardCharsets.US_ASCII));
            requests.flush();
        } catch (JSchException | IOException e) {
            close();
            throw new SshException("Could not start the resident agent on host [" + target.describe() + "]: "
                    + e.getMessage() + ".", e);
        }
        lock.lock();
        try {
            String pong = call("ping", "", deadline);
            if (!pong.equals("pong")) {
                throw new SshException("The resident agent on host [" + target.describe() + "] answered [" + pong
                        + "] to ping.");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            lock.unlock();
        }
        LOG.debug("Resident agent runs on host [{}] (started in [{} ms]).", target.describe(),
                (System.nanoTime() - started) / 1_000_000);
    }

    Session session() {
        return session;
    }

    ReentrantLock lock() {
        return lock;
    }

    boolean isAlive() {
        ChannelExec open = channel;
        return !broken && open != null && !open.isClosed() && session.isConnected();
    }

    /** A hot call: the text after {@code val}; throws on {@code err}. The caller holds the lock. */
    String call(String op, String arg, Deadline deadline) {
        Pending pending = send(op, arg, null);
        String reply = await(pending.reply, deadline, op);
        current = null;
        if (reply.startsWith("val ")) {
            return reply.substring(4);
        }
        if (reply.equals("val")) {
            return "";
        }
        throw new SshException("The resident agent on host [" + target.describe() + "] could not answer [" + op
                + "]: " + reply + ".");
    }

    /** Runs a command through the agent. The caller holds the lock. */
    RemoteResult exec(RemoteCommand command, Deadline deadline) {
        String script = command.toScript();
        String[] lines = script.split("\n", -1);
        long started = System.nanoTime();
        Pending pending = send("exec", Integer.toString(lines.length), lines);
        try {
            CompletableFuture<Void> both = CompletableFuture.allOf(pending.reply, pending.stderrEnd);
            both.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw timedOut(command, pending, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endCommand(pending);
            throw new SshException("Interrupted while waiting for command [" + command.display() + "] on host ["
                    + target.describe() + "]; it was ended.", e);
        } catch (ExecutionException e) {
            throw ExecRun.rethrown(e.getCause());
        } finally {
            current = null;
        }
        String reply = pending.reply.join();
        if (!reply.startsWith("rc ")) {
            throw new SshException("The resident agent on host [" + target.describe() + "] could not run ["
                    + command.display() + "]: " + reply + ".");
        }
        return new RemoteResult(Integer.parseInt(reply.substring(3).trim()), pending.stdout.toByteArray(),
                pending.stderr.toByteArray(), Duration.ofNanos(System.nanoTime() - started));
    }

    private SshTimeoutException timedOut(RemoteCommand command, Pending pending, Deadline deadline) {
        int[] killStatus = {-1};
        String how = endCommand(pending, killStatus);
        if (killStatus[0] < 0) {
            close(); // the host did not confirm the kill in time: the agent is stuck too, and not waited for
            return timeout(command, pending, deadline, how, killStatus);
        }
        try {
            // the agent reports the end once the command is gone; without it the agent is stuck
            CompletableFuture.allOf(pending.reply, pending.stderrEnd).get(settings.killGrace().toMillis() + 5000,
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("Resident agent on host [{}] did not recover after ending command [{}]; closing it.",
                    target.describe(), command.display());
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
        return timeout(command, pending, deadline, how, killStatus);
    }

    private SshTimeoutException timeout(RemoteCommand command, Pending pending, Deadline deadline, String how,
            int[] killStatus) {
        return new SshTimeoutException("Command [" + command.display() + "] on host [" + target.describe()
                + "] did not finish within [" + HumanDuration.of(deadline.budget()) + "]; " + how + ". "
                + BackgroundHint.advice(command, killStatus[0] == RemoteScript.SHELL_GONE, -1, killStatus[0] >= 0),
                pending.stdout.toByteArray(), pending.stderr.toByteArray(), null);
    }

    private String endCommand(Pending pending) {
        return endCommand(pending, new int[1]);
    }

    /** Ends the command's processes; {@code status[0]} gets the kill script's exit status. */
    private String endCommand(Pending pending, int[] status) {
        long pid = pending.pid;
        if (pid <= 1) {
            close();
            return "its remote process could not be identified, so it may still run on the host";
        }
        boolean interrupted = Thread.interrupted();
        // as ExecRun: wait for the kill only while the host answers; one that cannot reach it runs on the next connection
        RemoteKills.Kill kill = kills.end(session, pid, pending.startedNanos, "a command of the resident agent");
        try {
            kill.opened().get(ExecRun.KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS);
            status[0] = kill.done().get(settings.killGrace().plus(ExecRun.KILL_WAIT).toNanos(), TimeUnit.NANOSECONDS);
            return "its remote processes (tree and group of [" + pid + "]) were ended (TERM, then KILL after ["
                    + HumanDuration.of(settings.killGrace()) + "])";
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                interrupted = true;
            }
            status[0] = -1;
            return "its remote processes (tree and group of [" + pid + "]) are being ended (not confirmed in time; if"
                    + " the host cannot be reached now, that happens on the next connection to it)";
        } catch (ExecutionException e) {
            status[0] = -1;
            close();
            return "its remote processes could not be ended now (" + e.getCause().getMessage() + "); that happens on"
                    + " the next connection to the host";
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Pending send(String op, String arg, String[] lines) {
        if (!isAlive()) {
            throw new SshSessionLostException("The resident agent on host [" + target.describe()
                    + "] is not running any more.");
        }
        String id = Long.toString(ids.incrementAndGet());
        Pending pending = new Pending(id, lines != null);
        current = pending;
        StringBuilder request = new StringBuilder(id).append(' ').append(op);
        if (!arg.isEmpty()) {
            request.append(' ').append(arg);
        }
        request.append('\n');
        if (lines != null) {
            for (String line : lines) {
                request.append(line).append('\n');
            }
        }
        try {
            requests.write(request.toString().getBytes(StandardCharsets.UTF_8));
            requests.flush();
        } catch (IOException e) {
            broken = true;
            current = null;
            throw new SshSessionLostException("Could not send a request to the resident agent on host ["
                    + target.describe() + "]: " + e.getMessage() + ".", e);
        }
        return pending;
    }

    private String await(CompletableFuture<String> reply, Deadline deadline, String op) {
        try {
            return reply.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            close();
            throw new SshTimeoutException("The resident agent on host [" + target.describe() + "] did not answer ["
                    + op + "] within [" + HumanDuration.of(deadline.budget()) + "]; it was closed and plain channels will be used.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new SshException("Interrupted while waiting for the resident agent on host ["
                    + target.describe() + "].", e);
        } catch (ExecutionException e) {
            throw ExecRun.rethrown(e.getCause());
        }
    }

    void close() {
        broken = true;
        ChannelExec open = channel;
        if (open != null) {
            open.disconnect();
        }
        Pending pending = current;
        if (pending != null) {
            SshSessionLostException lost = new SshSessionLostException("The resident agent on host ["
                    + target.describe() + "] stopped while answering a request.");
            pending.reply.completeExceptionally(lost);
            pending.stderrEnd.completeExceptionally(lost);
        }
    }

    private boolean isCurrent(Pending pending, String id) {
        return pending != null && pending.id.equals(id);
    }

    private final class StdoutListener implements AgentFrames.Listener {
        @Override
        public void data(byte[] bytes, int off, int len) {
            Pending pending = current;
            if (pending != null) {
                pending.stdout.write(bytes, off, len);
            }
        }

        @Override
        public void frame(String text) {
            int space = text.indexOf(' ');
            String id = space < 0 ? text : text.substring(0, space);
            Pending pending = current;
            if (isCurrent(pending, id)) {
                pending.reply.complete(space < 0 ? "" : text.substring(space + 1));
            }
        }

        @Override
        public void closed() {
            broken = true;
            Pending pending = current;
            if (pending != null) {
                SshSessionLostException lost = new SshSessionLostException("Lost the resident agent on host ["
                        + target.describe() + "] while it answered a request; check whether the host rebooted or"
                        + " the link was cut.");
                pending.reply.completeExceptionally(lost);
                pending.stderrEnd.completeExceptionally(lost);
            }
        }
    }

    private final class StderrListener implements AgentFrames.Listener {
        @Override
        public void data(byte[] bytes, int off, int len) {
            Pending pending = current;
            if (pending != null) {
                pending.stderr.write(bytes, off, len);
            }
        }

        @Override
        public void frame(String text) {
            String[] parts = text.split(" ");
            Pending pending = current;
            if (parts.length < 2 || !isCurrent(pending, parts[0])) {
                return;
            }
            if (parts[1].equals("pid") && parts.length > 2) {
                pending.pid = Long.parseLong(parts[2]);
            } else if (parts[1].equals("end")) {
                pending.stderrEnd.complete(null);
            }
        }

        @Override
        public void closed() {
            broken = true;
        }
    }
}
