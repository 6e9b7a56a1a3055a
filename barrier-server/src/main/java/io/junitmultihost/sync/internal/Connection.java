package io.junitmultihost.sync.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the loop: reads and parses requests one at a time, hands each to the
 * handler, and writes the reply whenever it comes (at once, or later for a long-poll). Only the
 * loop thread touches it.
 */
final class Connection {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Bytes a client may send ahead while its request waits: more is abuse, not pipelining. */
    private static final int PIPELINE_LIMIT = 64 * 1024;
    private static final long LINGER_NANOS = 2_000_000_000L;
    /** The read buffer a connection starts with, and goes back to after a large request. */
    private static final int INITIAL_BUFFER = 2048;

    final SocketChannel channel;
    final String peer;
    private final ServerLoop loop;
    private final RequestParser parser;
    private final int maxBuffer;
    private SelectionKey key;
    private ByteBuffer in = ByteBuffer.allocate(INITIAL_BUFFER).flip();
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();

    private RequestHead head;
    /** Who the current head's token speaks for; set right after the head, before its body is read. */
    private Object principal;
    /** False until a request head with a valid token arrived: till then the connection is in the loop's small pool of strangers. */
    boolean authenticated;
    final long accepted;
    private boolean busy;
    private boolean keepAlive = true;
    private boolean headMethod;
    private boolean processing;
    private boolean closeAfterFlush;
    private boolean lingering;
    private boolean closed;
    private Waiter waiter;

    long requestStarted;
    long lastActivity;
    long writeStalledSince;
    long lingerUntil;

    Connection(ServerLoop loop, SocketChannel channel, ServerLimits limits) {
        this.loop = loop;
        this.channel = channel;
        this.parser = new RequestParser(limits.maxHeadBytes, limits.maxBodyBytes);
        this.maxBuffer = limits.maxHeadBytes + limits.maxBodyBytes + PIPELINE_LIMIT;
        String p;
        try {
            p = String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            p = "?";
        }
        this.peer = p;
        this.lastActivity = loop.now();
        this.accepted = lastActivity;
    }

    void register(SelectionKey key) {
        this.key = key;
    }

    int bufferCapacity() {
        return in.capacity();
    }

    boolean closed() {
        return closed;
    }

    boolean busy() {
        return busy;
    }

    boolean idle() {
        return !busy && requestStarted == 0 && out.isEmpty() && !lingering;
    }

    boolean lingering() {
        return lingering;
    }

    /** Attaches the long-poll that will answer the current request; its drop handler runs if the client goes away first. */
    void await(Waiter w) {
        this.waiter = w;
    }

    void onReadable() {
        int n = readMore();
        if (n < 0) {
            close("the client closed the connection");
            return;
        }
        if (lingering) {
            in.position(in.limit());
            return;
        }
        if (n > 0 && requestStarted == 0 && !busy) {
            requestStarted = loop.now();
        }
        process();
    }

    /**
     * Reads what is there without blocking; returns bytes read or -1 at end of stream. A client
     * that only sends while its request waits is bounded by {@link #PIPELINE_LIMIT}.
     */
    private int readMore() {
        try {
            if (!in.hasRemaining()) {
                in.clear();
            } else {
                in.compact();
            }
            if (!in.hasRemaining()) {
                if (in.capacity() >= maxBuffer) {
                    in.flip();
                    return 0;
                }
                ByteBuffer bigger = ByteBuffer.allocate(Math.min(maxBuffer, in.capacity() * 2));
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            int n = channel.read(in);
            in.flip();
            if (n > 0) {
                lastActivity = loop.now();
            }
            return n;
        } catch (IOException e) {
            in.limit(in.position()).position(0);
            return -1;
        }
    }

    /** Parses and dispatches requests while the connection is free; never nests (replies defer the next round). */
    void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (!busy && !closed && !closeAfterFlush && !lingering) {
                if (head == null) {
                    head = parser.parseHead(in);
                    if (head == null) {
                        if (in.hasRemaining() && requestStarted == 0) {
                            requestStarted = loop.now();
                        }
                        break;
                    }
                    // The token is checked before the body is read or a 100 Continue invites it.
                    principal = loop.handler.authenticate(head);
                    if (principal == null) {
                        throw new HttpError(401, ServerLoop.UNAUTHENTICATED, true);
                    }
                    if (!authenticated && !loop.authenticated(this)) {
                        throw new HttpError(503, ServerLoop.TOO_MANY, true);
                    }
                    if (head.expectContinue && in.remaining() < head.contentLength) {
                        write(CONTINUE);
                    }
                }
                if (in.remaining() < head.contentLength) {
                    break;
                }
                byte[] body = new byte[head.contentLength];
                in.get(body);
                HttpRequest request = head.withBody(body, principal);
                head = null;
                principal = null;
                if (!in.hasRemaining() && in.capacity() > INITIAL_BUFFER) {
                    in = ByteBuffer.allocate(INITIAL_BUFFER).flip();
                }
                busy = true;
                keepAlive = request.keepAlive;
                headMethod = request.method.equals("HEAD");
                requestStarted = in.hasRemaining() ? loop.now() : 0;
                dispatch(request);
            }
            if (busy && in.remaining() > PIPELINE_LIMIT) {
                close("the client sent more than " + PIPELINE_LIMIT + " bytes while its request waited");
            }
        } catch (HttpError e) {
            LOG.debug("Refusing a request from [{}] with [{}]: {}", peer, e.status, e.getMessage());
            keepAlive = false;
            busy = true;
            respond(Reply.error(e.status, e.getMessage()));
        } finally {
            processing = false;
        }
    }

    private void dispatch(HttpRequest request) {
        try {
            loop.handler.handle(this, request);
        } catch (RuntimeException e) {
            LOG.error("The sync server failed on [{}] from [{}]; answering 500.", request, peer, e);
            if (busy && waiter == null) {
                respond(Reply.error(500, "The sync server failed on this request: " + e));
            }
        }
    }

    /** Sends the reply to the current request. Later requests already received are handled on the next loop turn. */
    void respond(Reply reply) {
        if (closed || !busy) {
            return;
        }
        busy = false;
        waiter = null;
        boolean close = !keepAlive;
        ByteBuffer shared = reply.shared(close, headMethod);
        if (shared != null) {
            writeShared(shared);
        } else {
            write(reply.buffer(close, headMethod));
        }
        if (close) {
            closeAfterFlush = true;
            finishIfFlushed();
        } else if (in.hasRemaining() && !processing) {
            loop.execute(this::process);
        }
    }

    /** Answers and closes, for requests that arrive too slowly or connections over the limit. */
    void refuse(Reply reply) {
        busy = true;
        keepAlive = false;
        respond(reply);
    }

    private void write(byte[] bytes) {
        write(ByteBuffer.wrap(bytes));
    }

    /** Writes a buffer other connections write too: only what the socket does not take now is copied, to be sent later. */
    private void writeShared(ByteBuffer shared) {
        if (out.isEmpty()) {
            try {
                channel.write(shared);
            } catch (IOException e) {
                close("writing failed: " + e.getMessage());
                return;
            }
            lastActivity = loop.now();
            if (!shared.hasRemaining()) {
                return;
            }
        }
        write(ByteBuffer.allocate(shared.remaining()).put(shared).flip());
    }

    private void write(ByteBuffer buf) {
        if (out.isEmpty()) {
            try {
                channel.write(buf);
            } catch (IOException e) {
                close("writing failed: " + e.getMessage());
                return;
            }
            lastActivity = loop.now();
            if (!buf.hasRemaining()) {
                return;
            }
        }
        out.add(buf);
        if (writeStalledSince == 0) {
            writeStalledSince = loop.now();
        }
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }

    void onWritable() {
        try {
            while (!out.isEmpty()) {
                ByteBuffer buf = out.peek();
                channel.write(buf);
                if (buf.hasRemaining()) {
                    return;
                }
                out.poll();
                lastActivity = loop.now();
                writeStalledSince = loop.now();
            }
        } catch (IOException e) {
            close("writing failed: " + e.getMessage());
            return;
        }
        writeStalledSince = 0;
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        finishIfFlushed();
    }

    /** After the last reply of a closing connection is out, half-close and drain briefly, so the client reads the reply rather than a reset. */
    private void finishIfFlushed() {
        if (closeAfterFlush && out.isEmpty() && !closed && !lingering) {
            try {
                channel.shutdownOutput();
                lingering = true;
                lingerUntil = loop.now() + LINGER_NANOS;
                in.position(in.limit());
            } catch (IOException e) {
                close("half-close failed");
            }
        }
    }

    void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        LOG.debug("Closing the connection from [{}]: {}.", peer, why);
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already gone; nothing to release.
        }
        loop.forget(this);
        Waiter w = waiter;
        waiter = null;
        if (w != null) {
            w.dropped(why);
        }
    }
}
