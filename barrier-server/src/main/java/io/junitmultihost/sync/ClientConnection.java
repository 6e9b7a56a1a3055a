package io.junitmultihost.sync;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Map;

/** One blocking HTTP/1.1 connection of the client, used by one call at a time; reads answers in bulk, not byte by byte. */
final class ClientConnection implements Closeable {

    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 16 * 1024 * 1024;

    /** The connection failed before the server sent a byte: a reused connection the server had closed; safe to retry once. */
    static final class StaleException extends IOException {
        private static final long serialVersionUID = 1L;

        StaleException(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buf = new byte[4096];
    long lastUsed = System.nanoTime();
    boolean reused;

    private ClientConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static ClientConnection open(String host, int port, int connectTimeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            return new ClientConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Sends one request and reads its response; each read waits at most readTimeoutMillis. */
    ClientResponse exchange(byte[] request, int readTimeoutMillis) throws IOException {
        socket.setSoTimeout(readTimeoutMillis);
        try {
            out.write(request);
            out.flush();
            DelayedAck.request(socket);
        } catch (IOException e) {
            throw reused ? new StaleException(e.getMessage()) : e;
        }
        int len = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            if (len == buf.length) {
                if (buf.length >= MAX_HEAD) {
                    throw new IOException("The answer's head is longer than [" + MAX_HEAD + "] bytes.");
                }
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n;
            try {
                n = in.read(buf, len, buf.length - len);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw reused && len == 0 ? new StaleException(e.getMessage()) : e;
            }
            if (n < 0) {
                if (len == 0 && reused) {
                    throw new StaleException("closed by the server");
                }
                throw new EOFException("The sync server closed the connection without a whole answer.");
            }
            int from = Math.max(0, len - 3);
            len += n;
            for (int i = from; i + 3 < len; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                    headEnd = i;
                    break;
                }
            }
        }
        ClientResponse head = ClientResponse.head(buf, headEnd);
        Map<String, String> headers = head.headers;
        int length = head.contentLength();
        if (length < 0 || length > MAX_BODY) {
            throw new IOException("The answer's body of [" + length + "] bytes is over the limit.");
        }
        int bodyStart = headEnd + 4;
        byte[] body = new byte[length];
        int have = Math.min(length, len - bodyStart);
        System.arraycopy(buf, bodyStart, body, 0, have);
        while (have < length) {
            int n = in.read(body, have, length - have);
            if (n < 0) {
                throw new EOFException("The sync server closed the connection in the middle of an answer.");
            }
            have += n;
        }
        lastUsed = System.nanoTime();
        reused = true;
        return head.withBody(body);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
