package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.HostProcess;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The most recent lines of a started process, kept for {@link HostProcess#output()}, and handed on. */
final class KeptLines implements Consumer<io.junitmultihost.ssh.OutputLine> {

    static final int LIMIT = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(KeptLines.class);

    private final ArrayDeque<HostProcess.Line> lines = new ArrayDeque<>();
    private final Consumer<HostProcess.Line> next;
    private final String owner;

    KeptLines(String owner, Consumer<HostProcess.Line> next) {
        this.owner = owner;
        this.next = next;
    }

    @Override
    public void accept(io.junitmultihost.ssh.OutputLine line) {
        HostProcess.Line kept = new HostProcess.Line(line.source() == io.junitmultihost.ssh.OutputLine.Source.STDERR
                ? HostProcess.Stream.STDERR : HostProcess.Stream.STDOUT, line.text());
        synchronized (lines) {
            if (lines.size() == LIMIT) {
                lines.removeFirst();
            }
            lines.addLast(kept);
        }
        try {
            next.accept(kept);
        } catch (RuntimeException e) {
            // a failing consumer must not stop the lines of the process; it is told once per line
            LOG.warn("The line consumer of process [{}] failed: {}", owner, e.toString());
        }
    }

    List<HostProcess.Line> snapshot() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
