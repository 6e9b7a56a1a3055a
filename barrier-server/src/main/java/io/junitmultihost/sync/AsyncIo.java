package io.junitmultihost.sync;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread per JVM that carries the clients' asynchronous calls: a selector over a connection
 * per call in flight, so a thousand waiting syncs cost no thousand threads on the client side
 * either. Futures complete on this thread.
 */
final class AsyncIo implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncIo.class);
    private static AsyncIo instance;

    private final Selector selector;
    private final ConcurrentLinkedQueue<Call> incoming = new ConcurrentLinkedQueue<>();
    private final Set<Call> active = new HashSet<>();
    /** Finished connections, closed in the periodic pass: a thousand closes must not delay a thousand answers. */
    private final java.util.List<SocketChannel> toClose = new java.util.ArrayList<>();
    private long nextHousekeeping;
    /** When the oldest finished connection still open was first left open, or 0. */
    private long closesDueSince;

    private static final class Call {
        final InetSocketAddress address;
        final ByteBuffer out;
        final long deadline;
        final Duration timeout;
        final String what;
        final CompletableFuture<ClientResponse> future = new CompletableFuture<>();
        SocketChannel channel;
        ByteBuffer in = ByteBuffer.allocate(1024);
        /** Answered; its connection stays registered until the housekeeping closes it, which also deregisters it. */
        boolean answered;

        Call(InetSocketAddress address, byte[] request, Duration timeout, String what) {
            this.address = address;
            this.out = ByteBuffer.wrap(request);
            this.timeout = timeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
            this.what = what;
        }
    }

    private AsyncIo() throws IOException {
        selector = Selector.open();
        Thread t = new Thread(this, "mh-sync-client-io");
        t.setDaemon(true);
        t.start();
    }

    static synchronized AsyncIo get() {
        if (instance == null) {
            try {
                instance = new AsyncIo();
            } catch (IOException e) {
                throw new SyncException("Could not open a selector for asynchronous sync calls: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /** Sends the request on a new connection and completes with the response, or with a {@link SyncException} at the deadline. */
    CompletableFuture<ClientResponse> call(String host, int port, byte[] request, Duration timeout, String what) {
        Call c = new Call(new InetSocketAddress(host, port), request, timeout, what);
        incoming.add(c);
        selector.wakeup();
        return c.future;
    }

    @Override
    public void run() {
        Consumer<SelectionKey> handler = key -> handle(key, (Call) key.attachment());
        while (true) {
            try {
                // The action form of select: no selected-key set, whose iteration costs its largest size ever at every turn.
                int ready = selector.select(handler, 50);
                Call c;
                while ((c = incoming.poll()) != null) {
                    open(c);
                }
                long now = System.nanoTime();
                if (now - nextHousekeeping >= 0 || !incoming.isEmpty() && active.isEmpty()) {
                    nextHousekeeping = now + 50_000_000L;
                    housekeeping(now, ready == 0 || closesDueSince != 0 && now - closesDueSince > 1_000_000_000L);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("The asynchronous sync client thread hit an error; it goes on.", e);
            }
        }
    }

    /**
     * Times out overdue calls and, when closeNow, closes finished connections. Closes wait for a
     * turn without answers (or at most a second): closing a thousand sockets in the middle of a
     * thousand answers arriving would delay the answers still to come.
     */
    private void housekeeping(long now, boolean closeNow) {
        if (closeNow) {
            for (SocketChannel ch : toClose) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // Closing anyway.
                }
            }
            toClose.clear();
        }
        closesDueSince = toClose.isEmpty() ? 0 : closesDueSince == 0 ? now : closesDueSince;
        for (Call a : active.toArray(new Call[0])) {
            if (now - a.deadline > 0) {
                fail(a, new SyncTimeoutException("The sync server [" + a.address.getHostString() + ":" + a.address.getPort()
                        + "] did not answer [" + a.what + "] within [" + a.timeout + "]; check that it runs and that the link to it is up."));
            }
        }
    }

    private void open(Call c) {
        try {
            c.channel = SocketChannel.open();
            c.channel.configureBlocking(false);
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            active.add(c);
            if (c.channel.connect(c.address)) {
                c.channel.register(selector, SelectionKey.OP_WRITE, c);
            } else {
                c.channel.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            fail(c, new SyncException("Could not connect to the sync server [" + c.address + "]: " + e.getMessage()
                    + "; check MH_SYNC_URL and the port forward.", e));
        }
    }

    private void handle(SelectionKey key, Call c) {
        if (c.answered) {
            key.cancel(); // the server closed a connection whose answer is in: nothing more to read
            return;
        }
        try {
            if (key.isConnectable() && c.channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                c.channel.write(c.out);
                if (!c.out.hasRemaining()) {
                    DelayedAck.request(c.channel);
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                if (!c.in.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
                    c.in.flip();
                    c.in = bigger.put(c.in);
                }
                int n = c.channel.read(c.in);
                ClientResponse r = parse(c.in);
                if (r != null) {
                    active.remove(c);
                    c.answered = true; // no cancel here: deregistering a thousand answered connections would delay the answers still to come
                    toClose.add(c.channel);
                    c.future.complete(r);
                } else if (n < 0) {
                    fail(c, new SyncException("The sync server [" + c.address + "] closed the connection during [" + c.what
                            + "] without an answer; check that it still runs."));
                }
            }
        } catch (IOException e) {
            fail(c, new SyncException("The connection to the sync server [" + c.address + "] failed during [" + c.what + "]: "
                    + e.getMessage() + "; check that it runs and that the link to it is up.", e));
        }
    }

    /** A complete response in the buffer (write mode), or null while bytes are missing. */
    static ClientResponse parse(ByteBuffer in) throws IOException {
        byte[] b = in.array();
        int len = in.position();
        int end = -1;
        for (int i = 0; i + 3 < len; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return null;
        }
        ClientResponse head = ClientResponse.head(b, end);
        int length = head.contentLength();
        if (length < 0) {
            throw new IOException("The answer's Content-Length [" + length + "] is negative.");
        }
        if (len < end + 4 + length) {
            return null;
        }
        byte[] body = new byte[length];
        System.arraycopy(b, end + 4, body, 0, length);
        return head.withBody(body);
    }

    private void fail(Call c, SyncException e) {
        active.remove(c);
        close(c);
        c.future.completeExceptionally(e);
    }

    private static void close(Call c) {
        try {
            if (c.channel != null) {
                c.channel.close();
            }
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
