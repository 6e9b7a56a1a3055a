package io.junitmultihost.ssh;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands lines to a caller's consumer on a thread of its own, through a bounded queue. JSch's
 * session thread offers lines and must never wait for a slow consumer (it serves every channel of
 * the host), so when the queue is full lines are dropped and counted, and the consumer is told how
 * many with a line of its own.
 */
final class LineDelivery {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.exec");
    static final int MAX_QUEUED_LINES = 10_000;

    private final Consumer<OutputLine> consumer;
    private final ArrayDeque<OutputLine> queue = new ArrayDeque<>();
    private final Executor executor;
    private int openStreams = 2;
    private long dropped;
    private boolean running;
    private boolean finished;

    LineDelivery(Consumer<OutputLine> consumer, Executor executor) {
        this.consumer = consumer;
        this.executor = executor;
    }

    synchronized void offer(OutputLine line) {
        if (queue.size() >= MAX_QUEUED_LINES) {
            dropped++;
            return;
        }
        queue.add(line);
        schedule();
    }

    synchronized void streamEnded() {
        openStreams--;
        schedule();
        notifyAll();
    }

    private void schedule() {
        if (!running) {
            running = true;
            executor.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            OutputLine next;
            synchronized (this) {
                if (dropped > 0 && queue.size() < MAX_QUEUED_LINES / 2) {
                    queue.add(new OutputLine(OutputLine.Source.STDERR, "[junit-multihost: " + dropped
                            + " lines dropped because the line consumer was slower than the command]"));
                    dropped = 0;
                }
                next = queue.poll();
                if (next == null) {
                    running = false;
                    if (openStreams <= 0) {
                        finished = true;
                        notifyAll();
                    }
                    return;
                }
            }
            try {
                consumer.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("A line consumer threw [{}]; the line was [{}].", e, next.text());
            }
        }
    }

    /** Waits until every line has been handed over after both streams ended, up to {@code nanos}. */
    synchronized boolean awaitFinished(long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        while (!finished) {
            if (openStreams <= 0 && !running && queue.isEmpty()) {
                finished = true;
                break;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
