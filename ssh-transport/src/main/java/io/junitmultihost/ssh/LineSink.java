package io.junitmultihost.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Splits one output stream of a command into {@link OutputLine}s for a {@link LineDelivery}. Never blocks. */
final class LineSink extends OutputStream {

    private final OutputLine.Source source;
    private final LineDelivery delivery;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean closed;

    LineSink(OutputLine.Source source, LineDelivery delivery) {
        this.source = source;
        this.delivery = delivery;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
            if (line.size() >= OutputLine.MAX_LENGTH) {
                emit();
            }
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i - start);
                emit();
                start = i + 1;
            } else if (line.size() + (i - start) >= OutputLine.MAX_LENGTH) {
                line.write(b, start, i - start);
                emit();
                start = i;
            }
        }
        line.write(b, start, end - start);
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        line.reset();
        delivery.offer(new OutputLine(source, text));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (line.size() > 0) {
                emit();
            }
        }
        delivery.streamEnded();
    }
}
