package io.junitmultihost.sync.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A response to send: status, content type, extra headers and body. */
final class Reply {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String BINARY = "application/octet-stream";

    final int status;
    final String contentType;
    final Map<String, String> headers;
    final byte[] body;

    private Reply(int status, String contentType, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.headers = headers;
        this.body = body;
    }

    static Reply lines(int status, WireFormat.Lines lines) {
        return new Reply(status, TEXT, Map.of(), lines.toBytes());
    }

    static Reply lines(WireFormat.Lines lines) {
        return lines(200, lines);
    }

    static Reply ok() {
        return lines(new WireFormat.Lines().add("ok", "true"));
    }

    static Reply error(int status, String sentence) {
        return lines(status, new WireFormat.Lines().add("error", sentence));
    }

    /** A refusal because the scope's syncs were aborted; the header lets clients tell it from other conflicts. */
    static Reply aborted(String sentence) {
        return new Reply(409, TEXT, Map.of("X-MH-Aborted", "true"), new WireFormat.Lines().add("error", sentence).toBytes());
    }

    static Reply raw(int status, String contentType, Map<String, String> headers, byte[] body) {
        return new Reply(status, contentType, headers, body);
    }

    /** Kept so that one reply sent to a thousand waiters is serialised once. */
    private byte[] rendered;
    /** The keep-alive rendering off-heap, for a reply {@link #forMany() sent to many}; loop thread only. */
    private ByteBuffer shared;
    private boolean forMany;

    /**
     * Marks this reply as one that many waiters get (a release): each keep-alive connection then
     * writes the same off-heap copy, with no buffer or copy of its own unless its socket is full.
     */
    Reply forMany() {
        forMany = true;
        return this;
    }

    /** The shared off-heap bytes rewound for one more write, or null when this reply is not sent to many or not in this form. */
    ByteBuffer shared(boolean close, boolean head) {
        if (!forMany || close || head) {
            return null;
        }
        if (shared == null) {
            byte[] bytes = render(false, false);
            shared = ByteBuffer.allocateDirect(bytes.length).put(bytes);
        }
        return shared.clear();
    }

    /** The bytes to send, as a buffer of its own over the shared serialised copy. */
    ByteBuffer buffer(boolean close, boolean head) {
        return ByteBuffer.wrap(render(close, head));
    }

    /** Serialises status line, headers and body (omitted for HEAD). */
    byte[] render(boolean close, boolean head) {
        if (!close && !head) {
            if (rendered == null) {
                rendered = serialise(false, false);
            }
            return rendered;
        }
        return serialise(close, head);
    }

    private byte[] serialise(boolean close, boolean head) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        sb.append("Content-Type: ").append(contentType).append("\r\n");
        sb.append("Content-Length: ").append(body.length).append("\r\n");
        sb.append("Cache-Control: no-store\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (close) {
            sb.append("Connection: close\r\n");
        }
        if (status == 401) {
            sb.append("WWW-Authenticate: Bearer realm=\"mh-sync\"\r\n");
        }
        sb.append("\r\n");
        byte[] headBytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (head) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    static String reason(int status) {
        switch (status) {
            case 100: return "Continue";
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 410: return "Gone";
            case 412: return "Precondition Failed";
            case 413: return "Content Too Large";
            case 417: return "Expectation Failed";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            default: return "Status";
        }
    }
}
