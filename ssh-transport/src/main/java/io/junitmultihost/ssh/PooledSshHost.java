package io.junitmultihost.ssh;

import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host of the pool: one JSch session, opened on first use and replaced when found dead, with a
 * channel per call. Steps that certainly ran nothing (opening a channel) are retried with backoff;
 * a command that may have run is retried only when marked idempotent.
 */
final class PooledSshHost implements SshHost {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.pool");

    private final SshTarget target;
    private final SshPool pool;
    private final ReentrantLock connecting = new ReentrantLock();
    private final Forwarding forwarding;
    private final PooledHostAgent agent;
    private final RemoteKills kills;
    /** Set once the host turned out to have no SFTP subsystem: its transfers go over exec. */
    private final java.util.concurrent.atomic.AtomicBoolean withoutSftp = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Session session;
    private JSch jsch;
    private HostKeyRepository knownHosts;
    private String knownHostsSource;

    PooledSshHost(SshTarget target, SshPool pool) {
        this.target = target;
        this.pool = pool;
        this.forwarding = new Forwarding(target);
        this.agent = new PooledHostAgent(this, pool.settings());
        this.kills = new RemoteKills(target, pool.settings(), pool.workers(), () -> session);
    }

    @Override
    public SshTarget target() {
        return target;
    }

    @Override
    public RemoteResult exec(RemoteCommand command, Duration deadline) {
        return exec(command, deadline, null);
    }

    @Override
    public RemoteResult exec(RemoteCommand command, Duration deadline, Consumer<OutputLine> lines) {
        Objects.requireNonNull(command, "command");
        Deadline d = Deadline.after(deadline);
        int attempt = 1;
        while (true) {
            try {
                return startRun(command, d, lines).await(d);
            } catch (SshSessionLostException e) {
                if (!command.isIdempotent() || attempt >= pool.settings().attempts() || d.expired()) {
                    throw e;
                }
                LOG.warn("Connection to host [{}] dropped while an idempotent command ran; running it again"
                        + " (attempt {} of {}).", target.describe(), attempt + 1, pool.settings().attempts());
                attempt++;
            }
        }
    }

    @Override
    public RemoteProcess start(RemoteCommand command, Duration deadline) {
        return start(command, deadline, null);
    }

    @Override
    public RemoteProcess start(RemoteCommand command, Duration deadline, Consumer<OutputLine> lines) {
        Objects.requireNonNull(command, "command");
        Deadline d = Deadline.after(deadline);
        return new AsyncExec(this, startRun(command, d, lines), d, pool.timer());
    }

    @Override
    public RemoteProcess tail(String remoteFile, Duration deadline, Consumer<OutputLine> lines) {
        Objects.requireNonNull(remoteFile, "remoteFile");
        Objects.requireNonNull(lines, "lines");
        return start(RemoteCommand.argv("tail", "-n", "0", "-F", remoteFile), deadline, lines);
    }

    /** Starts a command on the pooled session, retrying (bounded, with backoff) only if its channel did not open. */
    ExecRun startRun(RemoteCommand command, Deadline deadline, Consumer<OutputLine> lines) {
        int attempt = 1;
        while (true) {
            CancelScope.checkCurrent();
            ExecRun run = new ExecRun(target, command, pool.settings(), lines, pool.workers(), pool.timer(), kills);
            Session current = session(deadline);
            try {
                run.start(current, deadline);
                CancelScope.register(run);
                return run;
            } catch (ExecRun.NotStarted e) {
                if (e.sessionSuspect) {
                    drop(current, "its channel could not be opened (" + e.getMessage() + ")");
                }
                long backoffMillis = 50L << Math.min(attempt - 1, 6);
                if (attempt >= pool.settings().attempts() || deadline.remainingNanos() < backoffMillis * 1_000_000) {
                    throw new SshSessionLostException("Could not open a channel to host [" + target.describe()
                            + "] for command [" + command.display() + "] after " + attempt + " attempt(s) within ["
                            + HumanDuration.of(deadline.budget()) + "]: " + e.getMessage() + ". The command did not run; check sshd's"
                            + " MaxSessions and whether the host is up.", e);
                }
                LOG.warn("Channel to host [{}] did not open ({}); the command did not run, retrying in [{} ms]"
                        + " (attempt {} of {}).", target.describe(), e.getMessage(), backoffMillis, attempt + 1,
                        pool.settings().attempts());
                sleep(backoffMillis);
                attempt++;
            }
        }
    }

    @Override
    public void upload(Path local, String remotePath, Duration deadline) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remotePath, "remotePath");
        Deadline d = Deadline.after(deadline);
        new Transfer(target, pool.settings(), pool.timer(), withoutSftp).upload(session(d), local, remotePath, d);
    }

    @Override
    public void download(String remotePath, Path local, Duration deadline) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remotePath, "remotePath");
        Deadline d = Deadline.after(deadline);
        new Transfer(target, pool.settings(), pool.timer(), withoutSftp).download(session(d), remotePath, local, d);
    }

    @Override
    public PortForward forwardLocal(int localPort, String remoteHost, int remotePort, Duration deadline) {
        Objects.requireNonNull(remoteHost, "remoteHost");
        Deadline d = Deadline.after(deadline);
        return forwarding.local(session(d), localPort, remoteHost, remotePort, d);
    }

    @Override
    public PortForward forwardRemote(int remotePort, String localHost, int localPort, Duration deadline) {
        Objects.requireNonNull(localHost, "localHost");
        Deadline d = Deadline.after(deadline);
        return forwarding.remote(session(d), remotePort, localHost, localPort, d);
    }

    @Override
    public HostAgent agent(Duration deadline) {
        agent.ensureStarted(Deadline.after(deadline));
        return agent;
    }

    @Override
    public RemoteResult execFresh(RemoteCommand command, Duration deadline) {
        return execFresh(command, deadline, result -> false);
    }

    @Override
    public RemoteResult execFresh(RemoteCommand command, Duration deadline, java.util.function.Predicate<RemoteResult> keep) {
        return execFresh(command, deadline, keep, null);
    }

    @Override
    public RemoteResult execFresh(RemoteCommand command, Duration deadline, java.util.function.Predicate<RemoteResult> keep,
            BannerConnection connection) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(keep, "keep");
        Deadline d = Deadline.after(deadline);
        ExecRun run = new ExecRun(target, command, pool.settings(), null, pool.workers(), pool.timer(), kills);
        Session fresh;
        try {
            fresh = newSession(d, true, connection);
        } finally {
            if (connection != null) {
                connection.close(); // unless the handshake took it
            }
        }
        boolean kept = false;
        try {
            try {
                run.start(fresh, d);
            } catch (ExecRun.NotStarted e) {
                throw new SshSessionLostException("Could not open a channel on a fresh connection to host ["
                        + target.describe() + "] for command [" + command.display() + "]: " + e.getMessage()
                        + ". The command did not run.", e);
            }
            RemoteResult result = run.await(d);
            if (keep.test(result)) {
                kept = adopt(fresh, d);
            }
            return result;
        } finally {
            if (!kept) {
                fresh.disconnect();
            }
        }
    }

    /** Makes {@code fresh} the pooled session, closing the one before; false when another call is connecting. */
    private boolean adopt(Session fresh, Deadline deadline) {
        if (!fresh.isConnected() || !connecting.tryLock()) {
            return false;
        }
        try {
            Session old = session;
            session = fresh;
            if (old != null && old != fresh) {
                old.disconnect();
            }
            forwarding.reapply(fresh, deadline);
            return true;
        } finally {
            connecting.unlock();
        }
    }

    @Override
    public void disconnect() {
        agent.close();
        Session current = session;
        if (current != null) {
            drop(current, "disconnect() was called");
        }
    }

    /** Whether a session is open now (no I/O). */
    boolean isConnected() {
        Session current = session;
        return current != null && current.isConnected();
    }

    /** The open pooled session, connecting (once, for all waiting callers) when there is none or it died. */
    Session session(Deadline deadline) {
        Session current = session;
        if (current != null && current.isConnected()) {
            return current;
        }
        pool.checkOpen();
        try {
            if (!connecting.tryLock(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)) {
                throw new SshConnectException("Could not connect to host [" + target.describe() + "] within ["
                        + HumanDuration.of(deadline.budget()) + "]: another call was still connecting. Raise the deadline.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("Interrupted while connecting to host [" + target.describe() + "].", e);
        }
        try {
            current = session;
            if (current != null && current.isConnected()) {
                return current;
            }
            boolean reconnect = current != null;
            if (reconnect) {
                LOG.debug("Session to host [{}] is gone; reconnecting.", target.describe());
                current.disconnect();
            }
            Session fresh = newSession(deadline, false);
            session = fresh;
            // Also after disconnect() dropped the session: forwards follow the pooled connection.
            forwarding.reapply(fresh, deadline);
            kills.connected(fresh);
            return fresh;
        } finally {
            connecting.unlock();
        }
    }

    /** {@code probing}: a poll that expects a host in the middle of a reboot, whose dropped handshakes are no news. */
    private Session newSession(Deadline deadline, boolean probing) {
        return newSession(deadline, probing, null);
    }

    private Session newSession(Deadline deadline, boolean probing, BannerConnection banner) {
        synchronized (this) {
            if (jsch == null) {
                StringBuilder source = new StringBuilder();
                knownHosts = pool.connector().knownHosts(target, source);
                knownHostsSource = source.toString();
                jsch = pool.connector().newJsch(target);
            }
        }
        return pool.connector().connect(target, jsch, knownHosts, knownHostsSource, deadline, probing, banner);
    }

    /** Drops {@code stale} if it is still the pooled session. */
    void drop(Session stale, String why) {
        if (stale == session) {
            session = null;
            LOG.debug("Dropping the session to host [{}]: {}.", target.describe(), why);
        }
        stale.disconnect();
    }

    /** Ends remote process groups of this host's commands, now or on the next connection. */
    RemoteKills kills() {
        return kills;
    }

    /** For the agent and tests: the sessions this host holds now. */
    List<Session> sessions() {
        Session current = session;
        return current == null ? List.of() : List.of(current);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("Interrupted while waiting to retry.", e);
        }
    }

    @Override
    public String toString() {
        return "SshHost[" + target.describe() + "]";
    }
}
