package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.PortForward;
import io.junitmultihost.engine.internal.owner.Owned;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.owner.Stage;
import java.time.Duration;

/**
 * A user's port forward: the transport's forward, held by the test class's {@link Owner} until it
 * is closed, by the user or by the end of the class, whichever comes first.
 */
final class OwnedForward implements PortForward {

    private static final String LOOPBACK = "127.0.0.1";

    private final Host host;
    private final boolean local;
    private final String target;
    private final io.junitmultihost.ssh.PortForward forward;
    private volatile Owned owned;
    private boolean open = true;

    private OwnedForward(Host host, boolean local, String target, io.junitmultihost.ssh.PortForward forward) {
        this.host = host;
        this.local = local;
        this.target = target;
        this.forward = forward;
    }

    /**
     * Registers {@code forward} with {@code owner}, which closes it with the class; closes it at once
     * when the class has already ended.
     */
    static PortForward own(Host host, boolean local, String toHost, int toPort,
            io.junitmultihost.ssh.PortForward forward, Owner owner, Duration stopBound) {
        OwnedForward owning = new OwnedForward(host, local, toHost + ":" + toPort, forward);
        try {
            owning.owned = owner.register(Stage.FORWARDS, owning.describe(), stopBound, owning::close);
        } catch (MultiHostException e) {
            forward.close();
            throw e;
        }
        return owning;
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public boolean isLocal() {
        return local;
    }

    @Override
    public String address() {
        return LOOPBACK;
    }

    @Override
    public int port() {
        return forward.port();
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        try {
            forward.close();
        } finally {
            Owned held = owned;
            if (held != null) { // null: the owner closes it while it registers
                held.done();
            }
        }
    }

    private String describe() {
        return (local ? "local forward [" + LOOPBACK + ":" + port() + " -> " + target + " on host [" + host.name() + "]]"
                : "remote forward [" + LOOPBACK + ":" + port() + " on host [" + host.name() + "] -> " + target + "]");
    }

    @Override
    public String toString() {
        return describe();
    }
}
