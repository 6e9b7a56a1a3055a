package io.junitmultihost.sync;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** One blocking HTTP/1.1 connection of the client, used by one call at a time. */
final class ClientConnection implements Closeable {

    private static final int MAX_LINE = 16 * 1024;
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
    long lastUsed = System.nanoTime();
    boolean reused;

    private ClientConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
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

    /** Sends one request and reads its response; the read waits at most readTimeoutMillis for each chunk. */
    ClientResponse exchange(byte[] request, int readTimeoutMillis) throws IOException {
        socket.setSoTimeout(readTimeoutMillis);
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            throw reused ? new StaleException(e.getMessage()) : e;
        }
        int first;
        try {
            first = in.read();
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw reused ? new StaleException(e.getMessage()) : e;
        }
        if (first < 0) {
            throw reused ? new StaleException("closed by the server") : new EOFException("The sync server closed the connection without an answer.");
        }
        String statusLine = (char) first + line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("The answer [" + statusLine + "] is not HTTP/1.1.");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new HashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        if (length < 0 || length > MAX_BODY) {
            throw new IOException("The answer's body of [" + length + "] bytes is over the limit.");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("The sync server closed the connection in the middle of an answer.");
        }
        lastUsed = System.nanoTime();
        reused = true;
        return new ClientResponse(status, headers, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("The sync server closed the connection in the middle of an answer.");
            }
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > MAX_LINE) {
                throw new IOException("The answer has a line longer than [" + MAX_LINE + "] bytes.");
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
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
