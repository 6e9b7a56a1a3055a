package io.junitmultihost.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.junitmultihost.sync.internal.WireFormat;

/** A response as the client read it. */
final class ClientResponse {

    final int status;
    final Map<String, String> headers;
    final byte[] body;

    ClientResponse(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Reads the status line and headers in buf up to headEnd (where the blank line starts), in
     * place and line by line: a thousand parties released at once each pay this on shared cores.
     * Header names are lower-cased; the body is still to come ({@link #withBody}).
     *
     * @throws IOException when the status line is not HTTP/1.x with a three-digit status
     */
    static ClientResponse head(byte[] buf, int headEnd) throws IOException {
        int lineEnd = indexOfCrLf(buf, 0, headEnd);
        if (lineEnd < 12 || !startsWith(buf, "HTTP/1.") || !digit(buf[9]) || !digit(buf[10]) || !digit(buf[11])) {
            throw new IOException("The answer [" + new String(buf, 0, lineEnd, StandardCharsets.ISO_8859_1) + "] is not HTTP/1.1.");
        }
        int status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
        Map<String, String> headers = new HashMap<>();
        int pos = lineEnd + 2;
        while (pos < headEnd) {
            int end = indexOfCrLf(buf, pos, headEnd);
            int colon = indexOf(buf, (byte) ':', pos, end);
            if (colon > pos) {
                headers.put(new String(buf, pos, colon - pos, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT),
                        new String(buf, colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1).trim());
            }
            pos = end + 2;
        }
        return new ClientResponse(status, headers, null);
    }

    /** This head with its body. */
    ClientResponse withBody(byte[] body) {
        return new ClientResponse(status, headers, body);
    }

    /** The body's length from the Content-Length header (0 without one). */
    int contentLength() throws IOException {
        String value = headers.getOrDefault("content-length", "0");
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IOException("The answer's Content-Length [" + value + "] is not a number.", e);
        }
    }

    private static int indexOfCrLf(byte[] b, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return to;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean startsWith(byte[] b, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (b[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    Map<String, byte[]> fields() {
        return WireFormat.parse(body);
    }

    /** The server's error sentence, or a generic one when the body holds none. */
    String error() {
        byte[] e = fields().get("error");
        return e != null ? new String(e, StandardCharsets.UTF_8) : "The sync server answered [" + status + "].";
    }

    boolean aborted() {
        return "true".equals(headers.get("x-mh-aborted"));
    }
}
