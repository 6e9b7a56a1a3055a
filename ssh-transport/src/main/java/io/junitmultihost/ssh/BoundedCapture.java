package io.junitmultihost.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Keeps the first {@code limit} bytes written and counts the rest. Never blocks: JSch's session
 * thread writes here for every channel of the session, so a slow writer would stall them all.
 */
final class BoundedCapture extends OutputStream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final long limit;
    private long dropped;
    private final Runnable onClose;
    private boolean closed;

    BoundedCapture(long limit, Runnable onClose) {
        this.limit = limit;
        this.onClose = onClose;
    }

    @Override
    public synchronized void write(int b) {
        if (bytes.size() < limit) {
            bytes.write(b);
        } else {
            dropped++;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        long room = Math.max(0, limit - bytes.size());
        int kept = (int) Math.min(room, len);
        bytes.write(b, off, kept);
        dropped += len - kept;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onClose.run();
    }

    synchronized byte[] toByteArray() {
        return bytes.toByteArray();
    }

    synchronized long dropped() {
        return dropped;
    }
}
