package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.ssh.OutputLine;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines of a command as they arrive, for {@link Command#withLines} and {@link Command#echoed()}:
 * each goes to the log prefixed by its host when echoed, then to the consumer. Internal.
 */
final class StreamedLines implements Consumer<OutputLine> {

    /** The logger echoed lines go to. */
    static final Logger OUTPUT = LoggerFactory.getLogger("io.junitmultihost.output");
    private static final Logger LOG = LoggerFactory.getLogger(StreamedLines.class);

    private final String host;
    private final boolean echoed;
    private final Consumer<HostProcess.Line> consumer;

    private StreamedLines(String host, boolean echoed, Consumer<HostProcess.Line> consumer) {
        this.host = host;
        this.echoed = echoed;
        this.consumer = consumer;
    }

    /** The consumer for {@code command}'s lines on {@code host}; null when it asks for none. */
    static StreamedLines of(String host, Command command) {
        Consumer<HostProcess.Line> consumer = command.lines().orElse(null);
        return consumer == null && !command.isEchoed() ? null : new StreamedLines(host, command.isEchoed(), consumer);
    }

    /** {@code given}, after what {@code command} asks for its lines (for {@code Host.start}, which has its own consumer). */
    static Consumer<HostProcess.Line> around(String host, Command command, Consumer<HostProcess.Line> given) {
        StreamedLines streamed = of(host, command);
        if (streamed == null) {
            return given;
        }
        return line -> {
            streamed.hand(line);
            given.accept(line);
        };
    }

    @Override
    public void accept(OutputLine line) {
        hand(new HostProcess.Line(line.source() == OutputLine.Source.STDERR ? HostProcess.Stream.STDERR
                : HostProcess.Stream.STDOUT, line.text()));
    }

    private void hand(HostProcess.Line line) {
        if (echoed) {
            OUTPUT.info("[{}{}] {}", host, line.stream() == HostProcess.Stream.STDERR ? " err" : "", line.text());
        }
        if (consumer != null) {
            try {
                consumer.accept(line);
            } catch (RuntimeException e) {
                // a failing consumer must not stop the command's lines
                LOG.warn("The line consumer of a command on host [{}] failed: {}", host, e.toString());
            }
        }
    }
}
