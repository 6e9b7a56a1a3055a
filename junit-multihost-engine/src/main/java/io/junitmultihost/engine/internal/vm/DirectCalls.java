package io.junitmultihost.engine.internal.vm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Authenticated TCP connections straight to one remote JVM ({@link DirectLine}, multihost.vm.direct,
 * on by default), one call at a time per connection as Java RMI does: the calling thread writes its
 * invocation and reads the answer itself, and idle connections are kept for the next call. A
 * connection whose call timed out or failed is closed, not kept.
 */
final class DirectCalls implements AutoCloseable {

    /** How long a direct connection may take to be made: past it, the host is taken for unreachable directly. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** How long the VM may take to answer the greeting. */
    private static final Duration HANDSHAKE = Duration.ofSeconds(3);
    private static final AtomicLong CALLS = new AtomicLong(Long.MAX_VALUE / 2);

    private final String address;
    private final int port;
    private final byte[] token;
    private final String vmId;
    private final ConcurrentLinkedDeque<DirectLine> idle = new ConcurrentLinkedDeque<>();
    private final Set<DirectLine> busy = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Why every connection was closed under its calls, or null. */
    private volatile String aborted;

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
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.vmId = vmId;
    }

    /** Opens a first connection, so that a JVM not reachable directly is found at start, not at the first call. */
    void open() throws IOException {
        idle.push(connect());
    }

    /**
     * A new connection, greeted. A greeting the VM closed is tried once more: the VM closes the
     * oldest greetings when many arrive at once (its {@link GreetingGate}).
     */
    private DirectLine connect() throws IOException {
        for (int attempt = 1; ; attempt++) {
            Socket socket = new Socket();
            // bounded by watches, not timeouts: a socket given one reads more slowly for good (see SocketWatch)
            SocketWatch connecting = SocketWatch.start(socket, CONNECT_TIMEOUT);
            try {
                socket.connect(new InetSocketAddress(address, port));
            } catch (IOException e) {
                socket.close();
                throw connecting.expired() ? new SocketTimeoutException("connect timed out") : e;
            } finally {
                connecting.close();
            }
            SocketWatch greeting = SocketWatch.start(socket, HANDSHAKE);
            try {
                socket.setTcpNoDelay(true);
                return DirectLine.open(socket, token, vmId);
            } catch (IOException e) {
                socket.close();
                if (greeting.expired()) {
                    throw new SocketTimeoutException("no greeting within [" + HANDSHAKE.toMillis() + " ms]");
                }
                if (attempt == 2 || e instanceof DirectLine.Refused) {
                    throw e;
                }
            } finally {
                greeting.close();
            }
        }
    }

    /** Sends an invocation and waits for its answer, at most {@code deadline}. */
    Frame call(byte[] payload, Duration deadline) throws IOException {
        return call(payload, deadline, Duration.ZERO, call -> { });
    }

    /**
     * Sends an invocation and waits for its answer, at most {@code deadline}; when there is none
     * {@code margin} before the deadline, tells {@code nearlyLate} the call's id (to ask for a thread
     * dump that arrives within the deadline) and waits on.
     */
    Frame call(byte[] payload, Duration deadline, Duration margin, LongConsumer nearlyLate) throws IOException {
        if (closed) {
            throw new IOException("the direct connections to the VM are closed");
        }
        DirectLine line = idle.poll();
        if (line == null) {
            line = connect();
        }
        busy.add(line);
        long call = CALLS.incrementAndGet();
        SocketWatch watch = SocketWatch.start(line.socket(), deadline, margin, () -> nearlyLate.accept(call));
        try {
            line.write(new Frame(Frame.Type.INVOKE, call, payload));
            Frame answer;
            try {
                answer = line.read();
            } catch (IOException e) {
                if (watch.expired()) {
                    throw new SocketTimeoutException("no answer within the deadline");
                }
                throw e;
            } finally {
                watch.close();
            }
            if (answer.call() != call) {
                throw new IOException("answer to call [" + answer.call() + "] where [" + call + "] was expected");
            }
            busy.remove(line);
            if (closed) {
                line.close();
            } else {
                idle.push(line);
            }
            return answer;
        } catch (SocketTimeoutException e) {
            drop(line);
            throw new TimedOut(call);
        } catch (IOException e) {
            drop(line);
            String why = aborted;
            throw why == null ? e : new IOException(why, e);
        } catch (RuntimeException e) {
            drop(line);
            throw e;
        }
    }

    /** A keep-alive over an idle connection, so that the JVM's lease runs on while its SSH connection is down. */
    void ping(Duration deadline) throws IOException {
        DirectLine line = idle.poll();
        if (line == null || closed) {
            return; // every connection is in a call: the JVM hears from the controller anyway
        }
        try (SocketWatch watch = SocketWatch.start(line.socket(), deadline)) {
            line.write(new Frame(Frame.Type.PING, 0, new byte[0]));
            line.read();
            idle.push(line);
        } catch (IOException | RuntimeException e) {
            line.close();
            throw e;
        }
    }

    private void drop(DirectLine line) {
        busy.remove(line);
        line.close();
    }

    boolean isOpen() {
        return !closed;
    }

    /** Closes the idle connections; calls in progress finish first. */
    @Override
    public void close() {
        closed = true;
        DirectLine line;
        while ((line = idle.poll()) != null) {
            line.close();
        }
    }

    /** Closes every connection, those in a call too: their calls fail now, saying {@code why} (the JVM is gone). */
    void abort(String why) {
        aborted = why;
        close();
        busy.forEach(DirectLine::close);
    }
}
