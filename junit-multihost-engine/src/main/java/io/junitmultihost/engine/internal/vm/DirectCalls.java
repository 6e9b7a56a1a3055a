package io.junitmultihost.engine.internal.vm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain TCP connections straight to one remote JVM (multihost.vm.direct), one call at a time per
 * connection as Java RMI does: the calling thread writes its invocation and reads the answer itself,
 * and idle connections are kept for the next call. A connection whose call timed out or failed is
 * closed, not kept.
 */
final class DirectCalls implements AutoCloseable {

    private static final AtomicLong CALLS = new AtomicLong(Long.MAX_VALUE / 2);

    private final String address;
    private final int port;
    private final String hello;
    private final ConcurrentLinkedDeque<Line> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** One connection with its streams. */
    private record Line(Socket socket, DataInputStream in, DataOutputStream out) {
        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken line
            }
        }
    }

    /** What a call left when it did not get its answer in time: the call's id, for a thread dump. */
    static final class TimedOut extends IOException {
        private static final long serialVersionUID = 1L;
        final long call;

        TimedOut(long call) {
            super("no answer in time");
            this.call = call;
        }
    }

    DirectCalls(String address, int port, String token, String vmId) {
        this.address = address;
        this.port = port;
        this.hello = token + "\n" + vmId;
    }

    /** Opens a first connection, so that an unreachable JVM is found at start, not at the first call. */
    void open() throws IOException {
        idle.push(connect());
    }

    private Line connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, port), 2000);
            socket.setTcpNoDelay(true);
            Line line = new Line(socket, new DataInputStream(new BufferedInputStream(socket.getInputStream())),
                    new DataOutputStream(new BufferedOutputStream(socket.getOutputStream())));
            Frame.text(Frame.Type.HELLO, 0, hello).writeTo(line.out());
            return line;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends an invocation and waits for its answer, at most {@code deadline}. */
    Frame call(byte[] payload, Duration deadline) throws IOException {
        if (closed) {
            throw new IOException("the direct connections to the VM are closed");
        }
        Line line = idle.poll();
        if (line == null) {
            line = connect();
        }
        long call = CALLS.incrementAndGet();
        try {
            new Frame(Frame.Type.INVOKE, call, payload).writeTo(line.out());
            line.socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, deadline.toMillis())));
            Frame answer = Frame.readFrom(line.in());
            if (answer.call() != call) {
                throw new IOException("answer to call [" + answer.call() + "] where [" + call + "] was expected");
            }
            if (closed) {
                line.close();
            } else {
                idle.push(line);
            }
            return answer;
        } catch (SocketTimeoutException e) {
            line.close();
            throw new TimedOut(call);
        } catch (IOException | RuntimeException e) {
            line.close();
            throw e;
        }
    }

    boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        Line line;
        while ((line = idle.poll()) != null) {
            line.close();
        }
    }
}
