package io.junitmultihost.sync;

import io.junitmultihost.sync.internal.HumanDuration;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread per JVM that carries the clients' asynchronous calls: a selector over a connection
 * per call in flight, so a thousand waiting syncs cost no thousand threads on the client side
 * either. Answered connections are kept for the next call to the same server, and the caller
 * writes its request on such a connection itself: the last arrival at a barrier then costs no
 * connect, no accept and no wait for this thread to wake. Futures complete on this thread.
 */
final class AsyncIo implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncIo.class);
    /** Idle connections kept per server: enough for a thousand parties in one JVM, few enough to stay far below the server's limit. */
    private static final int MAX_IDLE_PER_SERVER = 2048;
    private static AsyncIo instance;

    private final Selector selector;
    private final ConcurrentLinkedQueue<Call> incoming = new ConcurrentLinkedQueue<>();
    private final Map<InetSocketAddress, Pool> pools = new ConcurrentHashMap<>();
    private final Set<Call> active = new HashSet<>();
    private long nextHousekeeping;

    private static final class Call {
        final InetSocketAddress address;
        final ByteBuffer out;
        final long deadline;
        final Duration timeout;
        final String what;
        final CompletableFuture<ClientResponse> future = new CompletableFuture<>();
        Conn conn;
        /** On a kept connection, which the server may have closed meanwhile: then the call is made again on a new one. */
        boolean reused;
        ByteBuffer in = ByteBuffer.allocate(1024);

        Call(InetSocketAddress address, byte[] request, Duration timeout, String what) {
            this.address = address;
            this.out = ByteBuffer.wrap(request);
            this.timeout = timeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
            this.what = what;
        }
    }

    /** A connection to one server; idle ones wait in their server's pool. */
    private static final class Conn {
        static final int BUSY = 0;
        static final int IDLE = 1;
        static final int DEAD = 2;

        final SocketChannel channel;
        /** Who holds it: a caller takes it IDLE to BUSY, this thread retires it IDLE to DEAD when the server closes it. */
        final AtomicInteger state = new AtomicInteger(BUSY);
        /** This thread only. */
        SelectionKey key;
        Call call;
        volatile long idleSince;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        /** Closing the channel also cancels its selection key. */
        void close() {
            state.set(DEAD);
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
    }

    /** The idle connections to one server, newest first. */
    private static final class Pool {
        final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
        final AtomicInteger size = new AtomicInteger();

        Conn take() {
            Conn c;
            while ((c = idle.pollFirst()) != null) {
                size.decrementAndGet();
                if (c.state.compareAndSet(Conn.IDLE, Conn.BUSY)) {
                    return c;
                }
            }
            return null;
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

    /**
     * Sends the request, on a kept connection to that server when there is one (written from the
     * calling thread), else on a new one, and completes with the response, or with a
     * {@link SyncException} at the deadline.
     */
    CompletableFuture<ClientResponse> call(String host, int port, byte[] request, Duration timeout, String what) {
        Call c = new Call(new InetSocketAddress(host, port), request, timeout, what);
        Pool pool = pools.get(c.address);
        Conn conn = pool == null ? null : pool.take();
        if (conn != null) {
            try {
                conn.channel.write(c.out);
                if (!c.out.hasRemaining()) {
                    DelayedAck.request(conn.channel);
                }
                c.conn = conn;
                c.reused = true;
            } catch (IOException e) {
                conn.close(); // gone while idle: this thread's selector drops its key; the call goes on a new connection
                c.out.rewind();
            }
        }
        incoming.add(c);
        selector.wakeup();
        return c.future;
    }

    @Override
    public void run() {
        Consumer<SelectionKey> handler = key -> handle(key, (Conn) key.attachment());
        while (true) {
            try {
                // The action form of select: no selected-key set, whose iteration costs its largest size ever at every turn.
                selector.select(handler, 50);
                Call c;
                while ((c = incoming.poll()) != null) {
                    start(c);
                }
                long now = System.nanoTime();
                if (now - nextHousekeeping >= 0) {
                    nextHousekeeping = now + 50_000_000L;
                    housekeeping(now);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("The asynchronous sync client thread hit an error; it goes on.", e);
            }
        }
    }

    /** Times out overdue calls and closes connections idle for longer than the server is sure to keep them. */
    private void housekeeping(long now) {
        for (Call a : active.toArray(new Call[0])) {
            if (now - a.deadline > 0) {
                fail(a, new SyncTimeoutException("The sync server [" + a.address.getHostString() + ":" + a.address.getPort()
                        + "] did not answer [" + a.what + "] within [" + HumanDuration.of(a.timeout) + "]; check that it runs and that the link to it is up."));
            }
        }
        for (Pool pool : pools.values()) {
            Conn oldest;
            while ((oldest = pool.idle.peekLast()) != null
                    && (oldest.state.get() != Conn.IDLE || now - oldest.idleSince > ClientTransport.MAX_IDLE_NANOS)) {
                if (pool.idle.removeLastOccurrence(oldest)) {
                    pool.size.decrementAndGet();
                    if (oldest.state.compareAndSet(Conn.IDLE, Conn.DEAD)) {
                        oldest.close();
                    }
                }
            }
        }
    }

    private void start(Call c) {
        active.add(c);
        if (c.conn == null) {
            open(c);
            return;
        }
        c.conn.call = c;
        if (!c.conn.key.isValid()) { // closed since the caller took it
            retryStale(c);
            return;
        }
        c.conn.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void open(Call c) {
        try {
            SocketChannel channel = SocketChannel.open();
            Conn conn = new Conn(channel);
            c.conn = conn;
            conn.call = c;
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            int ops = channel.connect(c.address) ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT;
            conn.key = channel.register(selector, ops, conn);
        } catch (IOException e) {
            fail(c, new SyncException("Could not connect to the sync server [" + c.address + "]: " + e.getMessage()
                    + "; check MH_SYNC_URL and the port forward.", e));
        }
    }

    private void handle(SelectionKey key, Conn conn) {
        Call c = conn.call;
        if (c == null) {
            // Idle and readable: the server closed it (or sent what nobody asked for). Unless a
            // caller has just taken it, in which case its call starts on this thread shortly.
            if (conn.state.compareAndSet(Conn.IDLE, Conn.DEAD)) {
                conn.close();
            } else if (key.isValid()) {
                key.interestOps(0);
            }
            return;
        }
        try {
            if (key.isConnectable() && conn.channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                conn.channel.write(c.out);
                if (!c.out.hasRemaining()) {
                    DelayedAck.request(conn.channel);
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                read(key, conn, c);
            }
        } catch (IOException e) {
            if (!retryStale(c)) {
                fail(c, new SyncException("The connection to the sync server [" + c.address + "] failed during [" + c.what + "]: "
                        + e.getMessage() + "; check that it runs and that the link to it is up.", e));
            }
        }
    }

    private void read(SelectionKey key, Conn conn, Call c) throws IOException {
        if (!c.in.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
            c.in.flip();
            c.in = bigger.put(c.in);
        }
        int n = conn.channel.read(c.in);
        int end = headEnd(c.in);
        ClientResponse r = end < 0 ? null : parse(c.in, end);
        if (r != null) {
            active.remove(c);
            conn.call = null;
            boolean nothingMore = c.in.position() == end + 4 + r.body.length;
            keepOrClose(key, conn, c, nothingMore && !"close".equalsIgnoreCase(r.headers.get("connection")));
            c.future.complete(r);
        } else if (n < 0 && !retryStale(c)) {
            fail(c, new SyncException("The sync server [" + c.address + "] closed the connection during [" + c.what
                    + "] without an answer; check that it still runs."));
        }
    }

    /** Puts an answered connection in its server's pool, still watched for the server closing it, or closes it. */
    private void keepOrClose(SelectionKey key, Conn conn, Call c, boolean reusable) {
        Pool pool = pools.computeIfAbsent(c.address, a -> new Pool());
        if (!reusable || pool.size.get() >= MAX_IDLE_PER_SERVER) {
            conn.close();
            return;
        }
        key.interestOps(SelectionKey.OP_READ);
        conn.idleSince = System.nanoTime();
        conn.state.set(Conn.IDLE);
        pool.size.incrementAndGet();
        pool.idle.offerFirst(conn);
    }

    /**
     * A kept connection the server closed before it read anything of ours (its idle timeout, a
     * restart): the request was never seen, so it is made again on a new connection, once.
     */
    private boolean retryStale(Call c) {
        if (!c.reused || c.in.position() > 0) {
            return false;
        }
        c.conn.close();
        c.conn.call = null;
        c.conn = null;
        c.reused = false;
        c.out.rewind();
        open(c);
        return true;
    }

    /** The complete response whose head ends at {@code end} in the buffer (write mode), or null while body bytes are missing. */
    private static ClientResponse parse(ByteBuffer in, int end) throws IOException {
        ClientResponse head = ClientResponse.head(in.array(), end);
        int length = head.contentLength();
        if (length < 0) {
            throw new IOException("The answer's Content-Length [" + length + "] is negative.");
        }
        if (in.position() < end + 4 + length) {
            return null;
        }
        return head.withBody(Arrays.copyOfRange(in.array(), end + 4, end + 4 + length));
    }

    /** Where the head ends (the blank line), or -1 while it is not all in. */
    private static int headEnd(ByteBuffer in) {
        byte[] b = in.array();
        for (int i = 0; i + 3 < in.position(); i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void fail(Call c, SyncException e) {
        active.remove(c);
        if (c.conn != null) {
            c.conn.call = null;
            c.conn.close();
        }
        c.future.completeExceptionally(e);
    }
}
