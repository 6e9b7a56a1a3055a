package io.junitmultihost.lab;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The lab's shared daemon threads; none of them keeps the JVM alive. */
final class LabThreads {

    /** Reads the output of programs the lab runs; one thread per running program, reused. */
    static final ExecutorService IO = Executors.newCachedThreadPool(daemon("lab-io"));

    private LabThreads() {
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
