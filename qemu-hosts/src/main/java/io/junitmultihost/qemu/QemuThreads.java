package io.junitmultihost.qemu;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** The provider's daemon threads: program output readers, boot checks, QMP readers. */
final class QemuThreads {

    private static final AtomicInteger COUNT = new AtomicInteger();

    static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "multihost-qemu-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "multihost-qemu-timer");
        t.setDaemon(true);
        return t;
    });

    private QemuThreads() {
    }
}
