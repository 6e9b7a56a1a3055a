package io.junitmultihost.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Takes the line {@code MARKER <pid>} that our remote wrapper prints on stderr out of the stream,
 * reports the pid, and passes everything else through unchanged. The marker carries a random nonce
 * so that a command's own output cannot be mistaken for it. Only the first
 * {@value #SEARCH_LIMIT} bytes are searched (a login shell's rc files may print before it).
 */
final class PgidMarkerFilter extends OutputStream {

    static final int SEARCH_LIMIT = 16 * 1024;

    private final byte[] marker;
    private final OutputStream target;
    private final LongConsumer onPid;
    private ByteArrayOutputStream pending = new ByteArrayOutputStream();

    PgidMarkerFilter(String marker, OutputStream target, LongConsumer onPid) {
        this.marker = (marker + " ").getBytes(StandardCharsets.US_ASCII);
        this.target = target;
        this.onPid = onPid;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (pending == null) {
            target.write(b, off, len);
            return;
        }
        pending.write(b, off, len);
        byte[] seen = pending.toByteArray();
        int start = find(seen);
        if (start >= 0) {
            int end = indexOf(seen, (byte) '\n', start);
            if (end < 0) {
                return; // marker line not complete yet
            }
            String digits = new String(seen, start + marker.length, end - start - marker.length,
                    StandardCharsets.US_ASCII).trim();
            try {
                onPid.accept(Long.parseLong(digits));
            } catch (NumberFormatException e) {
                // not ours after all; leave the bytes in the stream
                passThrough(seen, 0, seen.length);
                return;
            }
            pending = null;
            target.write(seen, 0, start);
            target.write(seen, end + 1, seen.length - end - 1);
        } else if (seen.length > SEARCH_LIMIT) {
            passThrough(seen, 0, seen.length);
        }
    }

    private void passThrough(byte[] seen, int off, int len) throws IOException {
        pending = null;
        target.write(seen, off, len);
    }

    private int find(byte[] seen) {
        outer:
        for (int i = 0; i + marker.length <= seen.length; i++) {
            if (i > 0 && seen[i - 1] != '\n') {
                continue;
            }
            for (int j = 0; j < marker.length; j++) {
                if (seen[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public synchronized void flush() throws IOException {
        target.flush();
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (pending != null) {
                byte[] seen = pending.toByteArray();
                pending = null;
                target.write(seen, 0, seen.length);
            }
        }
        target.close();
    }
}
