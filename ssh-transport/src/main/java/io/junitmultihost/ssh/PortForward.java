package io.junitmultihost.ssh;

/**
 * A TCP port forwarded through a host's SSH connection; close it to stop forwarding. It follows the
 * pooled session: when the pool reconnects to the host it sets the forward up again on the same
 * port where it can (WARN when it cannot).
 */
public interface PortForward extends AutoCloseable {

    /**
     * The listening port: for a local forward, on 127.0.0.1 in this JVM; for a remote forward, on
     * 127.0.0.1 on the host.
     */
    int port();

    /** Stops forwarding; never throws. */
    @Override
    void close();
}
