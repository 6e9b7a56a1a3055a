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

    /**
     * The one thread every QEMU is started from. QEMU runs with a parent-death signal
     * ({@code setpriv --pdeathsig KILL}), which the kernel sends when the thread that started it
     * ends, not only its process: so this thread never ends before the JVM does.
     */
    static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "multihost-qemu-launcher");
        t.setDaemon(true);
        return t;
    });

    private QemuThreads() {
    }
}
