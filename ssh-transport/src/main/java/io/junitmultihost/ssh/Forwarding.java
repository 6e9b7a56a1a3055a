package io.junitmultihost.ssh;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The port forwards of one host, kept so that they can be set up again on a new session. */
final class Forwarding {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.forward");
    /** Where remote forwards asked for "any port" are put: below Linux's ephemeral range, so outgoing connections do not take them. */
    private static final int FIRST_PORT = 20000;
    private static final int PORT_SPAN = 12000;
    private static final int PORT_ATTEMPTS = 10;
    /** How long a remote forward nobody listens to is asked for again on its old port after a reconnect. */
    static final java.time.Duration RESTORE_WITHIN = java.time.Duration.ofMinutes(2);
    private static final long RETRY_MILLIS = 1000;
    /** How long the remote forwards' old ports are asked for again, all together, after their holders were made to notice the lost connection. */
    static final java.time.Duration RECLAIM_WITHIN = java.time.Duration.ofSeconds(3);
    private static final long RECLAIM_STEP_MILLIS = 100;
    /** The reason code of a channel open the server refuses by its configuration (RFC 4254, 5.1). */
    private static final int ADMINISTRATIVELY_PROHIBITED = 1;
    /** What {@code openAndClose} gives for a channel that opened, and for a refusal without a reason code (JSch's -1). */
    private static final int OPENED = 0;
    private static final int NO_REASON = -1;
    /** What the host's sshd must allow for forwards: named in every refusal. */
    private static final String SSHD_SETTINGS = "in the host's sshd_config set AllowTcpForwarding yes (or %s) and"
            + " remove DisableForwarding yes, then restart sshd";

    private final SshTarget target;
    private final List<Forward> active = new CopyOnWriteArrayList<>();

    Forwarding(SshTarget target) {
        this.target = target;
    }

    /** Forwards 127.0.0.1:port in this JVM (0 = any) to host:port as seen from the remote host. */
    PortForward local(Session session, int localPort, String remoteHost, int remotePort, Deadline deadline) {
        Forward forward = new Forward(true, localPort, remoteHost, remotePort);
        forward.apply(session, deadline, false);
        try {
            forward.checkAllowed(session, deadline);
        } catch (RuntimeException e) {
            forward.close();
            throw e;
        }
        active.add(forward);
        return forward;
    }

    /** Forwards 127.0.0.1:port on the remote host (0 = any) to host:port as seen from this JVM. */
    PortForward remote(Session session, int remotePort, String localHost, int localPort, Deadline deadline) {
        Forward forward = new Forward(false, remotePort, localHost, localPort);
        forward.apply(session, deadline, false);
        active.add(forward);
        return forward;
    }

    /**
     * Sets every open forward up again on a new session, on its old port. The host's sshd may still
     * hold a remote forward's old port for the lost connection (until it notices that connection is
     * gone, which without ClientAliveInterval can take hours): that session is made to notice (see
     * {@code reclaim}) and the port asked for again. Should it stay held, such a forward moves to a new
     * port when someone listens for that, else its old port is asked for again in the background until
     * {@link #RESTORE_WITHIN}. Listeners run here, before the caller that reconnected goes on.
     */
    void reapply(Session session, Deadline deadline) {
        Deadline reclaiming = deadline.min(RECLAIM_WITHIN); // one window for all: the caller waits on it
        for (Forward forward : active) {
            forward.restore(session, deadline, reclaiming);
        }
    }

    /** One forward; its port is fixed once the first session assigned it. */
    private final class Forward implements PortForward {
        private final boolean local;
        private final String toHost;
        private final int toPort;
        private volatile int port;
        private volatile Session session;
        /** Set by close; a reconnect that took this forward to set up again before that then leaves it be. */
        private boolean closed; // guarded by this
        private final List<Listener> listeners = new CopyOnWriteArrayList<>();

        Forward(boolean local, int port, String toHost, int toPort) {
            this.local = local;
            this.port = port;
            this.toHost = toHost;
            this.toPort = toPort;
        }

        /**
         * Sets the forward up on {@code on}; {@code keepIfLate}: a remote forward granted after the
         * deadline still counts. False when it was closed (then nothing is asked for).
         */
        synchronized boolean apply(Session on, Deadline deadline, boolean keepIfLate) {
            if (closed) {
                return false;
            }
            port = local ? requestLocal(on) : requestRemote(on, deadline, keepIfLate);
            session = on;
            LOG.debug("Forward [{}] of host [{}] is up.", this, target.describe());
            return true;
        }

        private synchronized boolean isClosed() {
            return closed;
        }

        /** Sets the forward up again on a new session; see {@link Forwarding#reapply}. */
        void restore(Session on, Deadline deadline, Deadline reclaiming) {
            int old = port;
            SshException refused;
            try {
                if (apply(on, deadline, true)) {
                    LOG.debug("Forward [{}] of host [{}] set up again after reconnecting.", this, target.describe());
                }
                return;
            } catch (SshException e) {
                refused = e;
            }
            boolean back = !local && !(refused instanceof SshTimeoutException) && reclaim(on, reclaiming);
            if (isClosed()) {
                return; // closed meanwhile: there is nothing to set up or to tell
            }
            if (back) {
                LOG.info("{} of host [{}] has its port back after reconnecting: the host's sshd held it for the lost"
                        + " connection until it was made to notice that connection was gone.", this, target.describe());
                return;
            }
            if (refused instanceof SshTimeoutException && !local) {
                // still asked for: a late grant keeps it (see askRemote), so it is not lost
                LOG.warn("Could not set {} of host [{}] up again within the deadline of the call that reconnected: {}",
                        this, target.describe(), refused.getMessage());
                return;
            }
            if (local) {
                lost("Could not set " + this + " of host [" + target.describe() + "] up again after reconnecting: "
                        + refused.getMessage());
                return;
            }
            if (listeners.isEmpty()) {
                LOG.warn("Could not set {} of host [{}] up again after reconnecting ({}); asking for its port again"
                        + " until [{}] have passed.", this, target.describe(), refused.getMessage(),
                        HumanDuration.of(RESTORE_WITHIN));
                retryInBackground(on, Deadline.after(RESTORE_WITHIN), refused);
                return;
            }
            int moved;
            try {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    port = 0;
                    try {
                        moved = requestRemote(on, deadline, true);
                    } finally {
                        if (port == 0) {
                            port = old;
                        }
                    }
                    port = moved;
                    session = on;
                }
            } catch (SshException e) {
                lost("Could not set " + this + " of host [" + target.describe() + "] up again after reconnecting:"
                        + " its port [" + old + "] is still held on the host (" + reason(refused)
                        + "), and no other port could be had (" + reason(e) + "). Check AllowTcpForwarding in the"
                        + " host's sshd_config.");
                return;
            }
            LOG.info("Remote forward of host [{}] to [{}:{}] moved from port [{}] to [{}] after reconnecting: the host"
                    + " still held the old port for the lost connection.", target.describe(), toHost, toPort, old, moved);
            for (Listener listener : listeners) {
                try {
                    listener.moved(old, moved);
                } catch (RuntimeException e) {
                    listener.lost("Remote forward of host [" + target.describe() + "] moved from port [" + old
                            + "] to [" + moved + "] after reconnecting, but its users could not be told: "
                            + e.getMessage());
                }
            }
        }

        /**
         * Takes the old port back from the sshd session that still serves the lost connection. That
         * session holds it until it writes to the connection (without ClientAliveInterval, possibly for
         * hours); a connection to the port makes it write, as it opens a channel back to this machine,
         * which answers with a reset, and the session ends. So one connection is made to the port through
         * the new session and closed at once, and the port is asked for again until {@code within}
         * (at least once). False when it stays held: its holder did not hear the reset, or is not sshd.
         * True too when the forward was closed meanwhile (it is then not asked for).
         */
        private boolean reclaim(Session on, Deadline within) {
            // forwards whose turn comes once the window is over still get one short try
            Deadline each = within.expired() ? Deadline.after(java.time.Duration.ofSeconds(1)) : within;
            int refusal = openAndClose(on, "127.0.0.1", port, each);
            if (refusal != OPENED) {
                LOG.debug("Could not connect to the old port of [{}] on host [{}] (reason code {}).", this,
                        target.describe(), refusal);
            }
            do {
                try {
                    Thread.sleep(RECLAIM_STEP_MILLIS);
                    apply(on, each, false); // false: closed meanwhile, so done too
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (SshTimeoutException e) {
                    return false;
                } catch (SshException e) {
                    // still held
                }
            } while (!each.expired());
            return false;
        }

        /** Asks for the old port until the host frees it, the session goes, the forward is closed or {@code until}. */
        private void retryInBackground(Session on, Deadline until, SshException first) {
            Thread retrying = new Thread(() -> {
                SshException last = first;
                while (!until.expired() && on.isConnected() && !isClosed()) {
                    try {
                        Thread.sleep(RETRY_MILLIS);
                        if (apply(on, until.min(java.time.Duration.ofSeconds(10)), false)) {
                            LOG.info("{} of host [{}] is up again after reconnecting.", this, target.describe());
                        }
                        return;
                    } catch (InterruptedException e) {
                        return;
                    } catch (SshException e) {
                        last = e;
                    }
                }
                if (on.isConnected() && !isClosed()) {
                    lost("Could not set " + this + " of host [" + target.describe() + "] up again within ["
                            + HumanDuration.of(RESTORE_WITHIN) + "] after reconnecting: " + last.getMessage());
                }
            }, "multihost-forward-retry " + target.describe());
            retrying.setDaemon(true);
            retrying.start();
        }

        /** What the host said, without our own wrapping. */
        private static String reason(SshException e) {
            return e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
        }

        private void lost(String why) {
            LOG.warn("{}", why);
            for (Listener listener : listeners) {
                try {
                    listener.lost(why);
                } catch (RuntimeException e) {
                    LOG.warn("A listener of {} of host [{}] failed: {}", this, target.describe(), e.toString());
                }
            }
        }

        /**
         * A local forward is a listening socket here, and a host that refuses forwarding only drops
         * each connection through it; so the host is asked for a channel at once. One to
         * 127.0.0.1:0 touches no service: an sshd that forwards answers "connect failed", one that
         * does not "administratively prohibited". Only then is the real target asked (a PermitOpen
         * may allow it alone): that opens a connection to it, closed at once.
         */
        void checkAllowed(Session on, Deadline deadline) {
            if (!prohibited(on, "127.0.0.1", 0, deadline) || !prohibited(on, toHost, toPort, deadline)) {
                return;
            }
            throw new SshException("Could not set up " + describe() + " through host [" + target.describe()
                    + "]: its sshd refuses to forward connections (administratively prohibited). To allow it, "
                    + String.format(SSHD_SETTINGS, "local") + " (a PermitOpen there must list [" + toHost + ":"
                    + toPort + "]).");
        }

        /** Whether the host refuses a channel to {@code host:port} by its configuration; a timeout fails. */
        private boolean prohibited(Session on, String host, int port, Deadline deadline) {
            int reason = openAndClose(on, host, port, deadline);
            if (reason == NO_REASON && deadline.expired()) {
                throw notWithin(deadline, "");
            }
            return reason == ADMINISTRATIVELY_PROHIBITED;
        }

        /**
         * Opens a channel to {@code host:port} as seen from the host, through {@code on}, and closes it
         * at once: {@link #OPENED}, else the host's reason code for refusing it ({@link #NO_REASON}: none
         * came, as when the deadline passed).
         */
        private static int openAndClose(Session on, String host, int port, Deadline deadline) {
            Channel channel = null;
            try {
                channel = on.getStreamForwarder(host, port);
                channel.connect(deadline.remainingMillisCapped(Integer.MAX_VALUE));
                return OPENED;
            } catch (JSchException e) {
                return channel == null ? NO_REASON : channel.getExitStatus();
            } finally {
                if (channel != null) {
                    channel.disconnect();
                }
            }
        }

        /** Local forwards are a listening socket in this JVM: nothing to wait for. */
        private int requestLocal(Session on) {
            try {
                return on.setPortForwardingL("127.0.0.1", port, toHost, toPort, PromptlyClosedServerSocket.FACTORY);
            } catch (JSchException e) {
                throw failed(e);
            }
        }

        /**
         * A remote forward on the port asked for, or on a free one of our choosing for port 0. JSch
         * mishandles port 0: it publishes the server's reply before the port that comes with it, so
         * the call can return port 0, and it allows one such forward per session.
         */
        private int requestRemote(Session on, Deadline deadline, boolean keepIfLate) {
            if (port != 0) {
                return askRemote(on, port, deadline, keepIfLate);
            }
            SshException taken = null;
            int attempt = 0;
            for (; attempt < PORT_ATTEMPTS && !deadline.expired(); attempt++) {
                int candidate = FIRST_PORT + ThreadLocalRandom.current().nextInt(PORT_SPAN);
                try {
                    return askRemote(on, candidate, deadline, keepIfLate);
                } catch (SshTimeoutException e) {
                    throw e;
                } catch (SshException e) {
                    taken = e; // most likely in use on the host: another one
                }
            }
            if (taken == null) {
                throw notWithin(deadline, "");
            }
            throw new SshException("Could not set up " + describe() + " through host [" + target.describe()
                    + "]: the host refused " + attempt + " free-looking ports in a row (" + reason(taken)
                    + "), so its sshd most likely refuses remote forwarding. To allow it, "
                    + String.format(SSHD_SETTINGS, "remote") + ".", taken);
        }

        /**
         * JSch wakes the thread that asked for a remote forward by interrupting it, and may do so
         * after the request returned: a stray interrupt that fails the caller's next wait. So the
         * request runs on a thread of its own, which also puts it under the caller's deadline.
         */
        private int askRemote(Session on, int remotePort, Deadline deadline, boolean keepIfLate) {
            CompletableFuture<Integer> asked = new CompletableFuture<>();
            Thread asker = new Thread(() -> {
                try {
                    asked.complete(on.setPortForwardingR("127.0.0.1:" + remotePort + ":" + toHost + ":" + toPort));
                } catch (JSchException | RuntimeException e) {
                    asked.completeExceptionally(e);
                }
            }, "multihost-forward " + target.describe());
            asker.setDaemon(true);
            asker.start();
            try {
                asked.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
                return remotePort;
            } catch (ExecutionException e) {
                throw failed(e.getCause());
            } catch (TimeoutException e) {
                asked.thenAccept(granted -> late(on, remotePort, keepIfLate));
                throw notWithin(deadline, keepIfLate ? "; it is still asked for" : "");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                asked.thenAccept(granted -> late(on, remotePort, keepIfLate));
                throw new SshException("Interrupted while setting up " + describe() + " through host ["
                        + target.describe() + "].", e);
            }
        }

        private SshTimeoutException notWithin(Deadline deadline, String more) {
            return new SshTimeoutException("Could not set up " + describe() + " through host [" + target.describe()
                    + "] within [" + HumanDuration.of(deadline.budget()) + "]" + more + ". Raise the deadline.");
        }

        private SshException failed(Throwable cause) {
            return new SshException("Could not set up " + describe() + " through host [" + target.describe()
                    + "]: " + withoutFullStop(cause.getMessage()) + ". " + (local
                    ? "Port [" + port + "] of the test JVM's 127.0.0.1 cannot be bound: pick another local port, or 0 for any."
                    : "Port [" + port + "] on the host's 127.0.0.1 may be taken there; else its sshd refuses remote"
                            + " forwarding: " + String.format(SSHD_SETTINGS, "remote") + "."), cause);
        }

        private static String withoutFullStop(String message) {
            return message != null && message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
        }

        /** A forward granted after the caller gave up: kept when it is still wanted, else closed, as nobody would. */
        private synchronized void late(Session on, int granted, boolean keepIfLate) {
            if (keepIfLate && !closed) {
                session = on;
                LOG.debug("Forward [{}] of host [{}] is up, after its deadline.", this, target.describe());
                return;
            }
            try {
                on.delPortForwardingR("127.0.0.1", granted);
            } catch (JSchException | RuntimeException e) {
                LOG.debug("Ignoring failure to cancel abandoned [{}]: {}", this, e.toString());
            }
        }

        private String describe() {
            String at = port == 0 ? "any port" : Integer.toString(port);
            return local ? "local forward [127.0.0.1:" + at + " -> " + toHost + ":" + toPort + " on the host]"
                    : "remote forward [127.0.0.1:" + at + " on the host -> " + toHost + ":" + toPort + "]";
        }

        @Override
        public void onChange(Listener listener) {
            listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized void close() {
            closed = true;
            active.remove(this);
            Session on = session;
            if (on == null || !on.isConnected()) {
                return;
            }
            try {
                if (local) {
                    on.delPortForwardingL("127.0.0.1", port);
                } else {
                    on.delPortForwardingR("127.0.0.1", port);
                }
            } catch (JSchException | RuntimeException e) {
                LOG.debug("Ignoring failure to close [{}]: {}", this, e.toString());
            }
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
