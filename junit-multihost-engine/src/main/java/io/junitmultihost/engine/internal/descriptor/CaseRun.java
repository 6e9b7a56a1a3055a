package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.api.SyncAbortedException;
import io.junitmultihost.api.TestDeadlineException;
import io.junitmultihost.engine.internal.diagnostics.TestDeadline;
import io.junitmultihost.engine.internal.sync.CaseSync;
import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * The parts of one distributed test as they run: each on a thread of its own, all started at
 * once. The first part to fail aborts the test's syncs at once, naming itself and its cause; a
 * part that then fails because its sync was aborted is reported as aborted because of it. Past the
 * deadline the parts' stacks and the class's diagnostics are gathered, then every part still
 * running is interrupted. Internal.
 */
final class CaseRun {

    private record Part(String name, TestDeadline.Body body, CompletableFuture<Void> done, Thread[] thread) {
    }

    /** How long parts past the deadline get to end on their own once their waits were aborted. */
    private static final Duration AFTER_ABORT = Duration.ofSeconds(2);

    private final String test;
    private final Optional<Duration> deadline;
    private final CaseSync sync;
    private final Supplier<String> diagnostics;
    private final Map<PartDescriptor, Part> parts = new LinkedHashMap<>();
    private long until;
    private String culprit;
    private volatile String late;

    CaseRun(String test, Optional<Duration> deadline, CaseSync sync, Supplier<String> diagnostics) {
        this.test = test;
        this.deadline = deadline;
        this.sync = sync;
        this.diagnostics = diagnostics;
    }

    void add(PartDescriptor descriptor, TestDeadline.Body body) {
        parts.put(descriptor, new Part(descriptor.getDisplayName(), body, new CompletableFuture<>(), new Thread[1]));
    }

    void startAll() {
        until = System.nanoTime() + deadline.map(Duration::toNanos).orElse(Long.MAX_VALUE / 4);
        for (Part part : parts.values()) {
            Thread thread = new Thread(() -> {
                try {
                    part.body().run();
                    if (late != null) {     // it ended after the deadline, when the abort freed its waits
                        part.done().completeExceptionally(new TestDeadlineException(late));
                    }
                    part.done().complete(null);
                } catch (Throwable t) {
                    part.done().completeExceptionally(outcome(part, t));
                }
            }, "multihost-part " + test + " [" + part.name() + "]");
            thread.setDaemon(true);
            part.thread()[0] = thread;
        }
        parts.values().forEach(p -> p.thread()[0].start());
    }

    /** What a part that threw {@code thrown} is reported with. */
    private Throwable outcome(Part part, Throwable thrown) {
        if (late != null) {
            return new TestDeadlineException(late);
        }
        if (thrown instanceof TestAbortedException) {
            return thrown;
        }
        synchronized (this) {
            if (culprit == null) {
                culprit = "[" + part.name() + "] failed: " + thrown;
                sync.abort(part.name(), "part " + culprit);
                return thrown;
            }
        }
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            // the abort reached the part in its test JVM, or in its host's shell (mh-sync printed its sentence)
            if (cause instanceof SyncAbortedException || String.valueOf(cause.getMessage()).contains(abortedBy())) {
                return new TestAbortedException("Aborted because part " + culprit, thrown);
            }
        }
        return thrown; // a failure of its own
    }

    /** How the sync server words the abort of the first failed part (see docs/SYNC.md, "Abort"). */
    private String abortedBy() {
        return "Syncs were aborted by [" + culprit.substring(1, culprit.indexOf(']')) + "]";
    }

    /** Returns when the part of {@code descriptor} passed; throws what it ended with. */
    void outcomeOf(PartDescriptor descriptor) throws Throwable {
        Part part = parts.get(descriptor);
        try {
            part.done().get(Math.max(until - System.nanoTime(), 1), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException lateNow) {
            expire();
            try {
                part.done().get(TestDeadline.GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause();
            } catch (TimeoutException stillRunning) {
                throw new TestDeadlineException(late + "\nThis part still runs after [" + HumanDuration.of(TestDeadline.GRACE)
                        + "]: what it started ends with its class.");
            }
        }
    }

    /** Once: gathers what every part still running does and the class's diagnostics, then interrupts those parts. */
    private synchronized void expire() {
        if (late != null) {
            return;
        }
        StringBuilder text = new StringBuilder("Distributed test [" + test + "] did not end within its deadline ["
                + HumanDuration.of(deadline.orElseThrow()) + "]; its parts still running were interrupted.\n\nWhat they"
                + " were doing:\n");
        for (Part part : parts.values()) {
            Thread thread = part.thread()[0];
            if (!part.done().isDone()) {
                text.append("Part [").append(part.name()).append("], thread [").append(thread.getName()).append("] (")
                        .append(thread.getState()).append(")\n");
                for (StackTraceElement element : thread.getStackTrace()) {
                    text.append("\tat ").append(element).append('\n');
                }
            }
        }
        text.append('\n').append(TestDeadline.gather(diagnostics));
        late = text.toString();
        // The abort ends the parts' waits, in the test JVM and in their hosts' shells (mh-sync), so that
        // their commands end too; what still runs a moment later is interrupted.
        sync.abort("the engine", "distributed test [" + test + "] did not end within its deadline ["
                + HumanDuration.of(deadline.orElseThrow()) + "]");
        try {
            CompletableFuture.allOf(parts.values().stream().map(Part::done).toArray(CompletableFuture[]::new))
                    .get(AFTER_ABORT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // some failed, or some still run: the latter are interrupted below
        }
        parts.values().stream().filter(p -> !p.done().isDone()).forEach(p -> p.thread()[0].interrupt());
    }

    /** Whether a part failed (not only aborted because of another) or the test passed its deadline; once every part ended. */
    synchronized boolean failed() {
        return culprit != null || late != null;
    }

    /** Fails the test itself when its deadline passed, after its parts were reported. */
    void failWhenLate() {
        if (late != null) {
            throw new TestDeadlineException(late);
        }
    }
}
