package io.junitmultihost.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits one output stream of the resident agent into raw data and frames: a frame is
 * {@code \nBOUNDARY } followed by text up to the next line end. Written to by JSch's session thread;
 * never blocks.
 */
final class AgentFrames extends OutputStream {

    /** Where the split stream goes. */
    interface Listener {
        void data(byte[] bytes, int off, int len);

        void frame(String text);

        void closed();
    }

    private final byte[] pattern;
    private final Listener listener;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private final byte[] one = new byte[1];
    private boolean inFrame;

    AgentFrames(String boundary, Listener listener) {
        this.pattern = ("\n" + boundary + " ").getBytes(StandardCharsets.US_ASCII);
        this.listener = listener;
    }

    @Override
    public void write(int b) {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    /**
     * Byte by byte: bytes that may begin the pattern are held back until it is complete (then
     * dropped) or broken (then data). As '\n' occurs in the pattern only at its start, a broken
     * match can only restart at the breaking byte.
     */
    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (inFrame) {
                if (c == '\n') {
                    inFrame = false;
                    flush(out);
                    listener.frame(frame.toString(StandardCharsets.UTF_8));
                    frame.reset();
                } else {
                    frame.write(c);
                }
            } else if (c == pattern[held.size()]) {
                held.write(c);
                if (held.size() == pattern.length) {
                    held.reset();
                    inFrame = true;
                }
            } else {
                if (held.size() > 0) {
                    out.writeBytes(held.toByteArray());
                    held.reset();
                }
                if (c == pattern[0]) {
                    held.write(c);
                } else {
                    out.write(c);
                }
            }
        }
        flush(out);
    }

    private void flush(ByteArrayOutputStream buffer) {
        if (buffer.size() > 0) {
            byte[] bytes = buffer.toByteArray();
            buffer.reset();
            listener.data(bytes, 0, bytes.length);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            out.writeBytes(held.toByteArray()); // a partial match at the very end was data
            held.reset();
            flush(out);
        }
        listener.closed();
    }
}
