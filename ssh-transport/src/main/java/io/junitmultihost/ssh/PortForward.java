package io.junitmultihost.ssh;

/**
 * A TCP port forwarded through a host's SSH connection; close it to stop forwarding. It follows the
 * pooled session: when the pool reconnects to the host it sets the forward up again on the same
 * port. A remote forward whose old port the host still holds (sshd frees it only once it notices
 * the lost connection) moves to a new port when a {@link Listener} was registered, which must tell
 * the host's users; without one the old port is asked for again until it is free. A forward that
 * cannot be set up again is reported to the listener (and logged as WARN).
 */
public interface PortForward extends AutoCloseable {

    /**
     * The listening port: for a local forward, on 127.0.0.1 in this JVM; for a remote forward, on
     * 127.0.0.1 on the host.
     */
    int port();

    /**
     * Registers what to do when a reconnect moves this forward to another port or cannot set it up
     * again; runs on the thread that reconnected, before that thread's call goes on.
     */
    default void onChange(Listener listener) {
        throw new UnsupportedOperationException("This forward does not report changes.");
    }

    /** What a forward reports after a reconnect. */
    interface Listener {

        /** The forward now listens on {@code to}; {@code from} may still be held by the lost connection. */
        void moved(int from, int to);

        /** The forward could not be set up again; {@code why} says why, naming the host. */
        void lost(String why);
    }

    /** Stops forwarding; never throws. */
    @Override
    void close();
}
