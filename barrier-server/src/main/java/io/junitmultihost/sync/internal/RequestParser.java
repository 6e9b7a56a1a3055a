package io.junitmultihost.sync.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An incremental, strict parser of HTTP/1.1 request heads. It never trusts the stream past an
 * error: every {@link HttpError} it throws closes the connection after the answer.
 */
final class RequestParser {

    static final int MAX_HEADERS = 100;
    static final int MAX_PARAMS = 64;

    private final int maxHeadBytes;
    private final int maxBodyBytes;
    /** Where the search for the end of the head resumes, so that a slow client costs O(n), not O(n^2). */
    private int scanned;

    RequestParser(int maxHeadBytes, int maxBodyBytes) {
        this.maxHeadBytes = maxHeadBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Parses the head at the buffer's position if it is complete, consuming it.
     *
     * @param buf bytes received, in read mode (position..limit)
     * @return the head, or null when more bytes are needed
     * @throws HttpError for anything malformed or over the limits
     */
    RequestHead parseHead(ByteBuffer buf) throws HttpError {
        int start = buf.position();
        int limit = buf.limit();
        // RFC 9112 2.2: ignore empty lines before the request line.
        while (start + 1 < limit && buf.get(start) == '\r' && buf.get(start + 1) == '\n') {
            start += 2;
            buf.position(start);
            scanned = 0;
        }
        int from = Math.max(start, start + scanned - 3);
        int end = -1;
        for (int i = from; i + 3 < limit; i++) {
            if (buf.get(i) == '\r' && buf.get(i + 1) == '\n' && buf.get(i + 2) == '\r' && buf.get(i + 3) == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            scanned = limit - start;
            if (scanned > maxHeadBytes) {
                throw new HttpError(431, "The request head is longer than [" + maxHeadBytes + "] bytes; send shorter headers.", true);
            }
            return null;
        }
        scanned = 0;
        if (end - start > maxHeadBytes) {
            throw new HttpError(431, "The request head is longer than [" + maxHeadBytes + "] bytes; send shorter headers.", true);
        }
        byte[] head = new byte[end - start];
        buf.get(start, head);
        buf.position(end + 4);
        return parse(new String(head, StandardCharsets.ISO_8859_1));
    }

    private RequestHead parse(String head) throws HttpError {
        List<String> lines = splitLines(head);
        String requestLine = lines.get(0);
        int sp1 = requestLine.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
            throw bad("The request line [" + printable(requestLine) + "] is not METHOD TARGET HTTP/1.1.");
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        if (method.length() > 16 || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw bad("The method [" + printable(method) + "] is not an HTTP method.");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpError(505, "The version [" + printable(version) + "] is not supported; use HTTP/1.1.", true);
        }
        switch (method) {
            case "GET":
            case "POST":
            case "PUT":
            case "DELETE":
            case "HEAD":
                break;
            default:
                throw new HttpError(501, "The method [" + method + "] is not supported; use GET, POST, PUT or DELETE.", true);
        }
        if (target.isEmpty() || target.charAt(0) != '/' || !target.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                || target.indexOf('#') >= 0) {
            throw bad("The target [" + printable(target) + "] is not an absolute path such as /v1/sync/NAME.");
        }
        int q = target.indexOf('?');
        List<String> path = decodePath(q < 0 ? target : target.substring(0, q));
        Map<String, String> query = q < 0 ? Collections.emptyMap() : decodeQuery(target.substring(q + 1));

        Map<String, String> headers = new HashMap<>();
        if (lines.size() - 1 > MAX_HEADERS) {
            throw new HttpError(431, "The request has more than [" + MAX_HEADERS + "] headers.", true);
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            if (colon <= 0 || colon > 64) {
                throw bad("The header line [" + printable(line) + "] is not NAME: VALUE.");
            }
            String name = line.substring(0, colon);
            if (!name.chars().allMatch(RequestParser::isTokenChar)) {
                throw bad("The header name [" + printable(name) + "] is not valid.");
            }
            String value = line.substring(colon + 1).strip();
            if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f))) {
                throw bad("The header [" + name + "] holds control characters.");
            }
            String key = name.toLowerCase(Locale.ROOT);
            String old = headers.putIfAbsent(key, value);
            if (old != null) {
                switch (key) {
                    case "content-length":
                    case "authorization":
                    case "x-mh-token":
                    case "host":
                    case "transfer-encoding":
                        throw bad("The header [" + name + "] is given twice.");
                    default:
                        headers.put(key, old + ", " + value);
                }
            }
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new HttpError(501, "Transfer-Encoding [" + printable(headers.get("transfer-encoding"))
                    + "] is not supported; send the body with a Content-Length.", true);
        }
        int contentLength = 0;
        String cl = headers.get("content-length");
        if (cl != null) {
            if (cl.isEmpty() || !cl.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad("Content-Length [" + printable(cl) + "] is not a number.");
            }
            // Any number of digits is a length; past 18 it is over every limit (and over a long).
            long len = cl.length() > 18 ? Long.MAX_VALUE : Long.parseLong(cl);
            if (len > maxBodyBytes) {
                throw new HttpError(413, "The body of [" + printable(cl) + "] bytes is over the limit of [" + maxBodyBytes + "] bytes.", true);
            }
            contentLength = (int) len;
        }
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        boolean expectContinue = false;
        String expect = headers.get("expect");
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                throw new HttpError(417, "Expect [" + printable(expect) + "] is not supported.", true);
            }
            expectContinue = true;
        }
        return new RequestHead(method, target, path, query, headers, contentLength, keepAlive, expectContinue);
    }

    private static List<String> splitLines(String head) throws HttpError {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int crlf = head.indexOf("\r\n", start);
            String line = crlf < 0 ? head.substring(start) : head.substring(start, crlf);
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw bad("The request has a bare CR or LF; end lines with CRLF.");
            }
            if (!lines.isEmpty() && !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                throw bad("The request folds a header over two lines; send each header on one line.");
            }
            lines.add(line);
            if (crlf < 0) {
                return lines;
            }
            start = crlf + 2;
        }
    }

    private static List<String> decodePath(String rawPath) throws HttpError {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(decode(raw, false));
            }
        }
        return segments;
    }

    private static Map<String, String> decodeQuery(String raw) throws HttpError {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            if (params.put(key, value) != null) {
                throw bad("The query parameter [" + printable(key) + "] is given twice.");
            }
            if (params.size() > MAX_PARAMS) {
                throw bad("The query has more than [" + MAX_PARAMS + "] parameters.");
            }
        }
        return params;
    }

    private static String decode(String raw, boolean plusIsSpace) throws HttpError {
        try {
            return WireFormat.urlDecode(raw, plusIsSpace);
        } catch (IllegalArgumentException e) {
            throw bad("The target has a malformed percent escape in [" + printable(raw) + "].");
        }
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static HttpError bad(String message) {
        return new HttpError(400, message, true);
    }

    /** Keeps error messages printable and short whatever the client sent. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && sb.length() < 80; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > 80) {
            sb.append("...");
        }
        return sb.toString();
    }
}
