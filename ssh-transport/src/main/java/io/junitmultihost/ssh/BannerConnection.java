package io.junitmultihost.ssh;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.util.Objects;

/**
 * A TCP connection to a host's SSH port on which the server's version line ({@code SSH-2.0-...})
 * has already been read, in part or whole: a probe that saw the banner hands it to
 * {@link SshHost#execFresh(RemoteCommand, java.time.Duration, java.util.function.Predicate, BannerConnection)},
 * and the SSH handshake goes on over it. Saves a connect, and the server a second process for the
 * same client (sshd forks one per connection; on a slow or emulated host that is most of the wait).
 * Used once.
 */
public final class BannerConnection implements AutoCloseable {

    private final Socket socket;
    private final byte[] read;
    private boolean taken;

    /**
     * @param socket connected to the SSH port
     * @param read the bytes already read from it, which the handshake reads first
     */
    public BannerConnection(Socket socket, byte[] read) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.read = read.clone();
    }

    /** The connection's streams for the handshake, once; null when taken before or closed. */
    synchronized Streams take() throws IOException {
        if (taken || socket.isClosed()) {
            return null;
        }
        taken = true;
        socket.setTcpNoDelay(true);
        if (socket.getChannel() != null) {
            // a probe's channel: streams that an interrupted caller does not close, as a plain socket's
            SteadyChannelStreams steady = new SteadyChannelStreams(socket.getChannel());
            return new Streams(socket, new SequenceInputStream(new ByteArrayInputStream(read), steady.in()), steady.out(),
                    steady::close);
        }
        InputStream in = new SequenceInputStream(new ByteArrayInputStream(read), socket.getInputStream());
        return new Streams(socket, in, socket.getOutputStream(), socket::close);
    }

    /** Closes the socket unless a handshake took it (the session closes it then). */
    @Override
    public synchronized void close() {
        if (taken) {
            return;
        }
        taken = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing a probe's socket: nothing to do about it
        }
    }

    record Streams(Socket socket, InputStream in, OutputStream out, Closeable closer) {
    }
}
