package io.junitmultihost.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the first {@code limit} bytes written and counts the rest. Never blocks: JSch's session
 * thread writes here for every channel of the session, so a slow writer would stall them all.
 * Every capture of the JVM also draws on one {@link Budget} ({@link #TOTAL_LIMIT} by default), so
 * that many commands at once (a fan-out over a hundred hosts) cannot each keep their full limit:
 * past it, output is dropped and counted as past the per-stream limit. A capture gives its bytes
 * back to the budget when it is closed (its command ended) or {@link #release released}.
 */
final class BoundedCapture extends OutputStream {

    /** Bytes kept over all commands of the JVM that are still running: 256 MiB. */
    static final long TOTAL_LIMIT = 256L * 1024 * 1024;
    private static final Budget JVM_BUDGET = new Budget(TOTAL_LIMIT);

    /** Output bytes that running commands may keep together. */
    static final class Budget {
        private final long limit;
        private final AtomicLong held = new AtomicLong();

        Budget(long limit) {
            this.limit = limit;
        }

        /** Takes up to {@code wanted} bytes; returns how many it got. */
        long take(long wanted) {
            while (true) {
                long now = held.get();
                long got = Math.min(wanted, Math.max(0, limit - now));
                if (got == 0 || held.compareAndSet(now, now + got)) {
                    return got;
                }
            }
        }

        void giveBack(long bytes) {
            held.addAndGet(-bytes);
        }

        long held() {
            return held.get();
        }
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final long limit;
    private final Budget budget;
    private long dropped;
    private long taken;
    private final Runnable onClose;
    private boolean closed;
    private boolean released;

    BoundedCapture(long limit, Runnable onClose) {
        this(limit, JVM_BUDGET, onClose);
    }

    BoundedCapture(long limit, Budget budget, Runnable onClose) {
        this.limit = limit;
        this.budget = budget;
        this.onClose = onClose;
    }

    /** How output is cut, for messages: the per-stream limit and the JVM's total. */
    static String limits(long perStream) {
        return "the first [" + perStream + "] bytes of each stream, and at most [" + TOTAL_LIMIT
                + "] bytes over all commands running at once";
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        long room = released ? 0 : Math.max(0, limit - bytes.size());
        long wanted = Math.min(room, len);
        int kept = (int) (wanted == 0 ? 0 : budget.take(wanted));
        taken += kept;
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
        release();
        onClose.run();
    }

    /** Gives the kept bytes back to the budget (they stay readable); later output is dropped. Idempotent. */
    synchronized void release() {
        if (!released) {
            released = true;
            budget.giveBack(taken);
        }
    }

    synchronized byte[] toByteArray() {
        return bytes.toByteArray();
    }

    synchronized long dropped() {
        return dropped;
    }
}
