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
    private int matched;
    private boolean inFrame;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private final byte[] one = new byte[1];

    AgentFrames(String boundary, Listener listener) {
        this.pattern = ("\n" + boundary + " ").getBytes(StandardCharsets.US_ASCII);
        this.listener = listener;
    }

    @Override
    public void write(int b) {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int dataStart = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (inFrame) {
                if (c == '\n') {
                    inFrame = false;
                    listener.frame(frame.toString(StandardCharsets.UTF_8));
                    frame.reset();
                    dataStart = i + 1;
                } else {
                    frame.write(c);
                }
                continue;
            }
            if (c == pattern[matched]) {
                matched++;
                if (matched == pattern.length) {
                    // data before the pattern's first byte in this chunk is plain output
                    int patternStartInChunk = i - pattern.length + 1;
                    if (patternStartInChunk > dataStart) {
                        listener.data(b, dataStart, patternStartInChunk - dataStart);
                    }
                    matched = 0;
                    inFrame = true;
                    dataStart = i + 1;
                }
            } else if (matched > 0) {
                // a partial match that failed: the held bytes were data after all
                int heldInChunk = Math.min(matched, i - dataStart);
                int heldBefore = matched - heldInChunk;
                if (heldBefore > 0) {
                    listener.data(pattern, 0, heldBefore);
                }
                matched = c == pattern[0] ? 1 : 0;
            }
        }
        if (!inFrame) {
            // keep a partial match back: it may be the start of a frame
            int keep = Math.min(matched, end - dataStart);
            if (end - keep > dataStart) {
                listener.data(b, dataStart, end - keep - dataStart);
            }
        }
    }

    @Override
    public void close() {
        listener.closed();
    }
}
