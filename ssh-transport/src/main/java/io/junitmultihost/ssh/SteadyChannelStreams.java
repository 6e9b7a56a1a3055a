package io.junitmultihost.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Blocking streams over a socket channel that an interrupt of the thread using them does not close,
 * as a plain {@link Socket}'s: a channel's own blocking streams close the channel when their thread
 * is interrupted, and a session on one would die with any caller interrupted while it writes (a test
 * past its deadline, a cancelled class). The channel stays non-blocking; waits are selects, which an
 * interrupt only wakes. Reads honour the socket's {@code SO_TIMEOUT}, which JSch uses for its
 * keep-alives.
 */
final class SteadyChannelStreams {

    private final SocketChannel channel;
    private final Socket socket;
    private final Selector readable;
    private final Selector writable;

    SteadyChannelStreams(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.socket = channel.socket();
        channel.configureBlocking(false);
        this.readable = Selector.open();
        this.writable = Selector.open();
        channel.register(readable, SelectionKey.OP_READ);
        channel.register(writable, SelectionKey.OP_WRITE);
    }

    InputStream in() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                synchronized (readable) {
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    int timeout = socket.getSoTimeout();
                    long end = System.nanoTime() + timeout * 1_000_000L;
                    boolean interrupted = false;
                    try {
                        while (true) {
                            int n = channel.read(buffer);
                            if (n != 0) {
                                return n;
                            }
                            long left = timeout == 0 ? 0 : (end - System.nanoTime()) / 1_000_000L;
                            if (timeout != 0 && left <= 0) {
                                throw new SocketTimeoutException("Read timed out");
                            }
                            interrupted |= await(readable, timeout == 0 ? 0 : Math.max(1, left));
                        }
                    } finally {
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            }

            @Override
            public void close() throws IOException {
                SteadyChannelStreams.this.close();
            }
        };
    }

    OutputStream out() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (writable) {
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    boolean interrupted = false;
                    try {
                        while (buffer.hasRemaining()) {
                            if (channel.write(buffer) == 0) {
                                interrupted |= await(writable, 1000);
                            }
                        }
                    } finally {
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            }

            @Override
            public void close() throws IOException {
                SteadyChannelStreams.this.close();
            }
        };
    }

    /**
     * Waits in {@code selector} up to {@code millis} (0: until ready); whether the thread had been
     * interrupted, which is cleared first, as an interrupt would only wake the select at once.
     */
    private static boolean await(Selector selector, long millis) throws IOException {
        boolean interrupted = Thread.interrupted();
        selector.select(millis);
        selector.selectedKeys().clear();
        return interrupted;
    }

    /** Closes the channel, and the selectors, which wakes a thread waiting in one: it then finds the channel closed. */
    void close() throws IOException {
        try {
            channel.close();
        } finally {
            readable.close();
            writable.close();
        }
    }
}
