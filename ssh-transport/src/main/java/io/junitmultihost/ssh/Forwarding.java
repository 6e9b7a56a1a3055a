package io.junitmultihost.ssh;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The port forwards of one host, kept so that they can be set up again on a new session. */
final class Forwarding {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.forward");

    private final SshTarget target;
    private final List<Forward> active = new CopyOnWriteArrayList<>();

    Forwarding(SshTarget target) {
        this.target = target;
    }

    /** Forwards 127.0.0.1:port in this JVM (0 = any) to host:port as seen from the remote host. */
    PortForward local(Session session, int localPort, String remoteHost, int remotePort) {
        Forward forward = new Forward(true, localPort, remoteHost, remotePort);
        forward.apply(session);
        active.add(forward);
        return forward;
    }

    /** Forwards 127.0.0.1:port on the remote host (0 = any) to host:port as seen from this JVM. */
    PortForward remote(Session session, int remotePort, String localHost, int localPort) {
        Forward forward = new Forward(false, remotePort, localHost, localPort);
        forward.apply(session);
        active.add(forward);
        return forward;
    }

    /** Sets every open forward up again on a new session, on its old port. */
    void reapply(Session session) {
        for (Forward forward : active) {
            try {
                forward.apply(session);
                LOG.info("Forward [{}] of host [{}] set up again after reconnecting.", forward, target.describe());
            } catch (SshException e) {
                LOG.warn("Could not set forward [{}] of host [{}] up again after reconnecting: {}", forward,
                        target.describe(), e.getMessage());
            }
        }
    }

    /** One forward; its port is fixed once the first session assigned it. */
    private final class Forward implements PortForward {
        private final boolean local;
        private final String toHost;
        private final int toPort;
        private volatile int port;
        private volatile Session session;

        Forward(boolean local, int port, String toHost, int toPort) {
            this.local = local;
            this.port = port;
            this.toHost = toHost;
            this.toPort = toPort;
        }

        synchronized void apply(Session on) {
            try {
                if (local) {
                    port = on.setPortForwardingL("127.0.0.1", port, toHost, toPort);
                } else {
                    port = on.setPortForwardingR("127.0.0.1:" + port + ":" + toHost + ":" + toPort);
                }
                session = on;
                LOG.debug("Forward [{}] of host [{}] is up.", this, target.describe());
            } catch (JSchException e) {
                throw new SshException("Could not set up " + describe() + " through host [" + target.describe()
                        + "]: " + e.getMessage() + ". " + (local ? "Pick another local port."
                        : "Check AllowTcpForwarding in the host's sshd_config, and that the port is free there."), e);
            }
        }

        private String describe() {
            return local ? "local forward [127.0.0.1:" + port + " -> " + toHost + ":" + toPort + " on the host]"
                    : "remote forward [127.0.0.1:" + port + " on the host -> " + toHost + ":" + toPort + "]";
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized void close() {
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
