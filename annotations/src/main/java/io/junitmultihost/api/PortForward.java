package io.junitmultihost.api;

/**
 * A TCP port forwarded through a host's SSH connection, from {@link Host#forwardLocal(int)} (like
 * {@code ssh -L}) or {@link Host#forwardRemote(int)} (like {@code ssh -R}). Connect to
 * {@link #address()}:{@link #port()}: for a local forward in the test JVM, for a remote forward on
 * the host. Thread-safe.
 *
 * <p>It follows the host's connection: after a reconnect or a reboot it is set up again, on the
 * same port, when the library connects to the host anew (the next call on the host, or the wait of
 * a reboot). It belongs to the test class that opened it and is closed when that class ends;
 * {@link #close()} ends it earlier.
 *
 * <pre>{@code
 * try (PortForward db = host.forwardLocal(5432)) {
 *     connect("jdbc:postgresql://" + db.address() + ":" + db.port() + "/test");
 * }
 * }</pre>
 */
public interface PortForward extends AutoCloseable {

    /** The host it goes through; never null. */
    Host host();

    /**
     * Whether it is a local forward (a port of the test JVM reaching the host's side) rather than a
     * remote one (a port of the host reaching the test JVM's side).
     */
    boolean isLocal();

    /**
     * Where to connect: {@code 127.0.0.1}, in the test JVM for a local forward, on the host for a
     * remote one. Only loopback: the forward is not reachable from other machines.
     */
    String address();

    /** The port to connect to at {@link #address()}. */
    int port();

    /**
     * Where connections end up, as {@code host:port} seen from the other end: from the host for a
     * local forward, from the test JVM for a remote one.
     */
    String target();

    /**
     * Whether it is open: false once closed, by {@link #close()} or by the end of its test class. A
     * forward that a reconnect could not set up again stays open (the library logs a WARN naming
     * it), so that the next reconnect tries again.
     */
    boolean isOpen();

    /** Stops listening on the port and frees it; new connections are refused. Never throws; closing again does nothing. */
    @Override
    void close();
}
