package io.junitmultihost.engine.internal.diagnostics;

import io.junitmultihost.api.TestDeadlineException;
import io.junitmultihost.engine.Constants;
import io.junitmultihost.spi.HumanDuration;
import io.junitmultihost.spi.ProviderConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a test's body on a thread of its own under a deadline. When the deadline passes, first the
 * diagnostics are gathered (the body's stack and what {@code diagnostics} adds: who waits where,
 * the remote JVMs' threads), then the body's thread is interrupted, which ends the commands and
 * waits it is blocked in, and the test fails with a {@link TestDeadlineException}; a body that
 * still runs after {@link #GRACE} is left to end with its class. Internal.
 */
public final class TestDeadline {

    /** How long an interrupted body gets to end before the test is reported anyway. */
    public static final Duration GRACE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(TestDeadline.class);

    /** A test's body. */
    @FunctionalInterface
    public interface Body {
        /** Runs the test. */
        void run() throws Throwable;
    }

    private TestDeadline() {
    }

    /**
     * A test's deadline: {@code annotated} (the annotation's {@code timeout}) when not empty, else
     * the configuration's {@code multihost.test.timeout} (default {@code 1h}); empty for {@code none}.
     *
     * @throws io.junitmultihost.api.ConfigurationException naming the value that is not a duration
     */
    public static Optional<Duration> of(String annotated, Function<String, Optional<String>> configuration) {
        if (!annotated.isBlank()) {
            return Optional.of(ProviderConfig.parseDuration("@MultiHostTest(timeout)", annotated.strip()));
        }
        String configured = configuration.apply(Constants.TEST_TIMEOUT_PROPERTY_NAME)
                .orElse(Constants.DEFAULT_TEST_TIMEOUT).strip();
        return configured.equalsIgnoreCase("none") ? Optional.empty()
                : Optional.of(ProviderConfig.parseDuration(Constants.TEST_TIMEOUT_PROPERTY_NAME, configured));
    }

    /**
     * Runs {@code body} and returns when it returns, or throws what it threw; past {@code deadline}
     * throws a {@link TestDeadlineException}.
     *
     * @param test the test's name, for the thread and the message
     * @param diagnostics what else to tell when the deadline passes (called once, before the body is interrupted)
     */
    public static void run(String test, Optional<Duration> deadline, Supplier<String> diagnostics, Body body)
            throws Throwable {
        if (deadline.isEmpty()) {
            body.run();
            return;
        }
        run(test, deadline.get(), diagnostics, body);
    }

    private static void run(String test, Duration deadline, Supplier<String> diagnostics, Body body) throws Throwable {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread runner = new Thread(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "multihost-test " + test);
        runner.setDaemon(true);
        runner.start();
        try {
            done.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            return;
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (InterruptedException e) {
            runner.interrupt(); // the engine is being stopped: so is the test
            Thread.currentThread().interrupt();
            throw e;
        } catch (TimeoutException late) {
            // diagnostics first, while the test's work is still in the state that made it late
        }
        String stack = stackOf(runner);
        String more = gather(diagnostics);
        runner.interrupt();
        boolean ended;
        try {
            done.handle((v, t) -> null).get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            ended = true;
        } catch (TimeoutException | ExecutionException stillRunning) {
            ended = false;
        }
        String message = "Test [" + test + "] did not end within its deadline [" + HumanDuration.of(deadline) + "]; "
                + (ended ? "it was interrupted and ended." : "it was interrupted and still runs after ["
                + HumanDuration.of(GRACE) + "]: what it started ends with its class.")
                + "\n\nWhat the test was doing:\n" + stack + (more.isBlank() ? "" : "\n" + more);
        LOG.warn("Test [{}] ran past its deadline [{}].", test, HumanDuration.of(deadline));
        throw new TestDeadlineException(message);
    }

    /**
     * As {@link #run}, but on the calling thread, for tests whose other extensions may rely on it
     * (the Jupiter style, as Jupiter's own {@code @Timeout} does by default): past the deadline the
     * diagnostics are gathered and the thread is interrupted; once the body returns or throws, the
     * test fails with a {@link TestDeadlineException} (what the body threw is kept as suppressed).
     */
    public static void runHere(String test, Optional<Duration> deadline, Supplier<String> diagnostics, Body body)
            throws Throwable {
        if (deadline.isEmpty()) {
            body.run();
            return;
        }
        Thread here = Thread.currentThread();
        java.util.concurrent.atomic.AtomicReference<String> late = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, "multihost-deadline " + test);
                    thread.setDaemon(true);
                    return thread;
                });
        java.util.concurrent.ScheduledFuture<?> watch = timer.schedule(() -> {
            String stack = stackOf(here);
            String more = gather(diagnostics);
            late.set(stack + (more.isBlank() ? "" : "\n" + more));
            here.interrupt();
        }, deadline.get().toNanos(), TimeUnit.NANOSECONDS);
        Throwable thrown = null;
        try {
            body.run();
        } catch (Throwable t) {
            thrown = t;
        } finally {
            watch.cancel(false);
            timer.shutdownNow();
        }
        // a watch already running finishes its diagnostics and its interrupt first
        boolean interrupted = Thread.interrupted();
        timer.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        if (late.get() == null) {
            if (interrupted) {
                Thread.currentThread().interrupt(); // not ours: the caller's to see
            }
            if (thrown != null) {
                throw thrown;
            }
            return;
        }
        Thread.interrupted(); // the watch's interrupt is spent: the test is reported, not the thread
        LOG.warn("Test [{}] ran past its deadline [{}].", test, HumanDuration.of(deadline.get()));
        TestDeadlineException failure = new TestDeadlineException("Test [" + test + "] did not end within its deadline ["
                + HumanDuration.of(deadline.get()) + "]; it was interrupted.\n\nWhat the test was doing:\n" + late.get());
        if (thrown != null) {
            failure.addSuppressed(thrown);
        }
        throw failure;
    }

    /** What {@code diagnostics} tells, or why it could not. */
    public static String gather(Supplier<String> diagnostics) {
        try {
            return diagnostics.get();
        } catch (RuntimeException e) {
            return "(the diagnostics could not be gathered: " + e + ")";
        }
    }

    private static String stackOf(Thread thread) {
        StringBuilder text = new StringBuilder();
        text.append("Thread [").append(thread.getName()).append("] (").append(thread.getState()).append(")\n");
        for (StackTraceElement element : thread.getStackTrace()) {
            text.append("\tat ").append(element).append('\n');
        }
        return text.toString();
    }
}
