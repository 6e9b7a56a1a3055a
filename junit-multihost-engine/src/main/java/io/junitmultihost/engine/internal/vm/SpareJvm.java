package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.HostProcess;
import java.util.concurrent.CompletableFuture;

/**
 * A JVM started ahead of a remote JVM's next start, with the same options: connected, warmed up,
 * and running no test code until it is promoted to be that start. A restart then costs a stop and a
 * round trip instead of a JVM start and its connection.
 */
final class SpareJvm {

    final String nonce;
    final CompletableFuture<VmConnection> hello = new CompletableFuture<>();
    volatile HostProcess process;
    volatile VmConnection connection;
    volatile long pid = -1;
    volatile int directPort;
    /** Its direct connection, opened while it waits, so that a promotion does not pay for it; or null. */
    volatile DirectCalls fast;

    SpareJvm(String nonce) {
        this.nonce = nonce;
    }

    /** Its (first or renewed) connection said hello. */
    void greeted(VmConnection connection, long pid, int directPort) {
        this.connection = connection;
        this.pid = pid;
        this.directPort = directPort;
        hello.complete(connection);
    }

    /** Ends its process, if it has one; the spare is never used afterwards. */
    void kill() {
        hello.completeExceptionally(new IllegalStateException("the spare was dropped"));
        HostProcess started = process;
        if (started != null) {
            VmMaster.ASYNC.execute(() -> {
                try {
                    if (started.isAlive()) {
                        started.kill();
                    }
                } catch (RuntimeException gone) {
                    // its host is gone or rebooting: nothing of it is left to end
                }
            });
        }
        VmConnection open = connection;
        if (open != null) {
            open.close();
        }
        DirectCalls direct = fast;
        if (direct != null) {
            direct.close();
        }
    }
}
