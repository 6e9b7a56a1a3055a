package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.Constants;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.support.hierarchical.HierarchicalTestExecutorService;
import org.junit.platform.engine.support.hierarchical.Node.ExecutionMode;
import org.junit.platform.engine.support.hierarchical.ResourceLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine's test classes at the same time, each on a thread of its own, at most
 * {@code multihost.execution.parallel.classes} at once; a class's methods stay on its thread, one
 * after another. A class that finds its hosts taken waits in the host pool, which keeps two
 * classes off one host. Not the platform's fork-join service: a class waiting for hosts blocks its
 * thread, and a fixed pool of plain threads runs exactly as many classes as it says, with no
 * work stealing that would start a class inside another class's thread. Internal.
 */
public final class ClassesInParallel implements HierarchicalTestExecutorService {

    private static final Logger LOG = LoggerFactory.getLogger(ClassesInParallel.class);
    /** At most how long the end of the run waits for class threads that outlived it (they end with their deadlines). */
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final IntSupplier limit;
    private final AtomicInteger threadCount = new AtomicInteger();
    private ExecutorService workers;

    /** @param limit at most how many classes run at once; asked when the classes are about to start */
    ClassesInParallel(IntSupplier limit) {
        this.limit = limit;
    }

    /**
     * The executor {@code request} asks for with {@value Constants#PARALLEL_ENABLED_PROPERTY_NAME}
     * set to {@code true}; empty when it runs classes one at a time.
     *
     * @throws ConfigurationException naming the parameter when one has a bad value
     */
    public static Optional<HierarchicalTestExecutorService> forRequest(ExecutionRequest request) {
        ConfigurationParameters parameters = request.getConfigurationParameters();
        String enabled = parameters.get(Constants.PARALLEL_ENABLED_PROPERTY_NAME).orElse("false").trim();
        if (enabled.equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        if (!enabled.equalsIgnoreCase("true")) {
            throw new ConfigurationException("Configuration parameter [" + Constants.PARALLEL_ENABLED_PROPERTY_NAME
                    + "] must be [true] or [false], was [" + enabled + "].");
        }
        Optional<String> classes = parameters.get(Constants.PARALLEL_CLASSES_PROPERTY_NAME).map(String::trim);
        if (classes.isEmpty()) {
            // Each class holds at least one host: more classes at once than hosts would only wait.
            return Optional.of(new ClassesInParallel(() -> MultiHostExecutionContext.sessionPool(request).supply()));
        }
        int limit;
        try {
            limit = Integer.parseInt(classes.get());
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1) {
            throw new ConfigurationException("Configuration parameter [" + Constants.PARALLEL_CLASSES_PROPERTY_NAME
                    + "] must be a whole number of at least 1, was [" + classes.get() + "].");
        }
        int fixed = limit;
        return Optional.of(new ClassesInParallel(() -> fixed));
    }

    /** The engine's own task: runs in the caller's thread. */
    @Override
    public Future<Void> submit(TestTask task) {
        run(task);
        return CompletableFuture.completedFuture(null);
    }

    /** Classes (concurrent tasks) on the workers, the rest (a class's methods) one by one in this thread. */
    @Override
    public void invokeAll(List<? extends TestTask> tasks) {
        boolean onWorker = Thread.currentThread() instanceof ClassThread;
        List<TestTask> concurrent = new ArrayList<>();
        List<TestTask> inOrder = new ArrayList<>();
        for (TestTask task : tasks) {
            (task.getExecutionMode() == ExecutionMode.CONCURRENT && !onWorker ? concurrent : inOrder).add(task);
        }
        List<Future<?>> running = new ArrayList<>();
        if (!concurrent.isEmpty()) {
            ExecutorService pool = workers(concurrent.size());
            for (TestTask task : concurrent) {
                running.add(pool.submit(() -> run(task)));
            }
        }
        inOrder.forEach(ClassesInParallel::run);
        for (Future<?> future : running) {
            awaitClass(future, running);
        }
    }

    private synchronized ExecutorService workers(int classes) {
        if (workers == null) {
            int threads = Math.max(1, Math.min(limit.getAsInt(), classes));
            LOG.info("Test classes run in parallel, at most [{}] at once.", threads);
            workers = Executors.newFixedThreadPool(threads, new ClassThreads(threadCount));
        }
        return workers;
    }

    private static void awaitClass(Future<?> future, List<Future<?>> running) {
        try {
            future.get();
        } catch (InterruptedException e) {
            // The engine's thread was interrupted: interrupt the classes too (a class waiting for hosts aborts).
            running.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // A node reports its own failures; what gets here is a bug of ours, not of a test.
            throw new IllegalStateException("A test class's task failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            // cancelled above after an interrupt
        }
    }

    private static void run(TestTask task) {
        ResourceLock lock = task.getResourceLock();
        try {
            lock.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            task.execute();
        } finally {
            lock.release();
        }
    }

    @Override
    public synchronized void close() {
        if (workers == null) {
            return;
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Test class threads were still running [{}] s after the run ended; interrupting them.", CLOSE_WAIT_SECONDS);
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** A class's thread: tasks a class hands on (its methods) run in it, never on another worker. */
    private static final class ClassThread extends Thread {

        ClassThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    private static final class ClassThreads implements ThreadFactory {

        private final AtomicInteger count;

        ClassThreads(AtomicInteger count) {
            this.count = count;
        }

        @Override
        public Thread newThread(Runnable r) {
            return new ClassThread(r, "multihost-class-" + count.incrementAndGet());
        }
    }
}
