package io.junitmultihost.qemu;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guests' own network as an Ethernet hub in this JVM, on a unix socket in the session's
 * directory (mode 0700, so no other user of this machine reaches it, where a multicast group on
 * the loopback was open to every local user who found its group and port). Each guest's QEMU
 * connects to it with {@code -netdev stream} (QEMU's framing: a 4-byte big-endian length, then the
 * frame); every frame one guest sends goes to every other. A guest that does not read (its QEMU
 * stopped) loses frames, as on a hub, rather than holding the others up.
 */
final class LanHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LanHub.class);
    /** Frames waiting for one guest before the hub drops what comes next for it. */
    private static final int QUEUE = 512;
    private static final int MAX_FRAME = 65536 + 64;

    private final Path socket;
    private final ServerSocketChannel server;
    private final List<Port> ports = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LanHub(Path socket, ServerSocketChannel server) {
        this.socket = socket;
        this.server = server;
    }

    /** A hub listening on {@code socket}, whose directory only this user may enter. */
    static LanHub start(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        LanHub hub = new LanHub(socket, server);
        QemuThreads.IO.execute(hub::accept);
        return hub;
    }

    Path socket() {
        return socket;
    }

    /** How many guests are plugged in. */
    int plugged() {
        return ports.size();
    }

    private void accept() {
        while (!closed) {
            try {
                Port port = new Port(server.accept());
                ports.add(port);
                QemuThreads.IO.execute(port::read);
                QemuThreads.IO.execute(port::write);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("The guests' network hub [{}] stopped accepting: {}", socket, e.toString());
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing a listener: nothing to do.
        }
        ports.forEach(Port::close);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // The session's directory goes too.
        }
    }

    /** One guest's connection: frames it sends go to the others; frames for it wait in its queue. */
    private final class Port {

        private final SocketChannel channel;
        private final BlockingQueue<ByteBuffer> out = new ArrayBlockingQueue<>(QUEUE);

        Port(SocketChannel channel) {
            this.channel = channel;
        }

        void read() {
            ByteBuffer length = ByteBuffer.allocate(4);
            try {
                while (true) {
                    length.clear();
                    fill(length);
                    int size = length.getInt(0);
                    if (size <= 0 || size > MAX_FRAME) {
                        throw new IOException("a frame of [" + size + "] bytes");
                    }
                    ByteBuffer frame = ByteBuffer.allocate(4 + size);
                    frame.putInt(size);
                    fill(frame.limit(4 + size));
                    for (Port other : ports) {
                        if (other != this) {
                            other.out.offer(frame.duplicate().flip());
                        }
                    }
                }
            } catch (IOException e) {
                close();
            }
        }

        void write() {
            try {
                while (channel.isOpen()) {
                    ByteBuffer frame = out.take();
                    while (frame.hasRemaining()) {
                        channel.write(frame);
                    }
                }
            } catch (IOException | InterruptedException e) {
                close();
            }
        }

        private void fill(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new IOException("the guest's QEMU closed its connection");
                }
            }
        }

        void close() {
            ports.remove(this);
            out.clear();
            out.offer(ByteBuffer.allocate(0));
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a connection to a QEMU that has gone.
            }
        }
    }
}
