package io.junitmultihost.sync.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body format of the HTTP API: one {@code key=value} line per field, readable by {@code sed}
 * in a shell. Values escape {@code %}, control characters and DEL as {@code %XX}; everything
 * else, UTF-8 included, is written as is. Internal.
 */
public final class WireFormat {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private WireFormat() {
    }

    /** Builds a body of {@code key=value} lines. */
    public static final class Lines {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        /** Adds one line; the value is escaped. */
        public Lines add(String key, String value) {
            return add(key, value.getBytes(StandardCharsets.UTF_8));
        }

        /** Adds one line with a binary value, escaped. */
        public Lines add(String key, byte[] value) {
            out.writeBytes(key.getBytes(StandardCharsets.UTF_8));
            out.write('=');
            escapeInto(value, out);
            out.write('\n');
            return this;
        }

        /** The body bytes. */
        public byte[] toBytes() {
            return out.toByteArray();
        }
    }

    static void escapeInto(byte[] value, ByteArrayOutputStream out) {
        for (byte b : value) {
            int c = b & 0xff;
            if (c < 0x20 || c == 0x7f || c == '%') {
                out.write('%');
                out.write(HEX[c >> 4]);
                out.write(HEX[c & 0xf]);
            } else {
                out.write(c);
            }
        }
    }

    /** Parses a body of {@code key=value} lines into raw (unescaped) values, in order; lines without {@code =} are skipped. */
    public static Map<String, byte[]> parse(byte[] body) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int eq = -1;
                for (int j = start; j < i; j++) {
                    if (body[j] == '=') {
                        eq = j;
                        break;
                    }
                }
                if (eq > start) {
                    String key = new String(body, start, eq - start, StandardCharsets.UTF_8);
                    fields.put(key, unescape(body, eq + 1, i));
                }
                start = i + 1;
            }
        }
        return fields;
    }

    /** Undoes the {@code %XX} escapes of bytes from..to. */
    public static byte[] unescape(byte[] b, int from, int to) {
        int firstEscape = from;
        while (firstEscape < to && b[firstEscape] != '%') {
            firstEscape++;
        }
        if (firstEscape == to) {
            return Arrays.copyOfRange(b, from, to); // The common case, without a stream per value.
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, to - from));
        for (int i = from; i < to; i++) {
            int h;
            int l;
            if (b[i] == '%' && i + 2 < to
                    && (h = Character.digit(b[i + 1], 16)) >= 0 && (l = Character.digit(b[i + 2], 16)) >= 0) {
                out.write(h << 4 | l);
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toByteArray();
    }

    /** Percent-encodes a query parameter or path segment value (RFC 3986 unreserved kept). */
    public static String urlEncode(String s) {
        return urlEncodeInto(new StringBuilder(s.length() + 8), s).toString();
    }

    /** Appends {@code s} percent-encoded to {@code sb}; names are plain ASCII, so the usual case allocates nothing. */
    public static StringBuilder urlEncodeInto(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return encodeBytes(sb, s.substring(i));
            }
            if (isUnreserved(c)) {
                sb.append(c);
            } else {
                sb.append('%').append((char) HEX[c >> 4]).append((char) HEX[c & 0xf]);
            }
        }
        return sb;
    }

    private static StringBuilder encodeBytes(StringBuilder sb, String rest) {
        for (byte b : rest.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && isUnreserved((char) c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append((char) HEX[c >> 4]).append((char) HEX[c & 0xf]);
            }
        }
        return sb;
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == ',' || c == ':' || c == '@';
    }

    /**
     * Decodes a percent-encoded query parameter or path segment as UTF-8.
     *
     * @param plusIsSpace true for query parameters (form encoding)
     * @throws IllegalArgumentException when an escape is malformed
     */
    public static String urlDecode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int h = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int l = h >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (h < 0 || l < 0) {
                    throw new IllegalArgumentException("Malformed percent escape in [" + s + "].");
                }
                out.write(h << 4 | l);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
