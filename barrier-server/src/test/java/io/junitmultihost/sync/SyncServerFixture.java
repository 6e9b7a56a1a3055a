package io.junitmultihost.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A real server on 127.0.0.1:0 for one test, with its default scope, the clients the test made and
 * a pool for calls that block; {@link #close()} ends them all.
 */
final class SyncServerFixture implements AutoCloseable {

    private final SyncServer server = SyncServer.start();
    private final List<SyncClient> clients = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    SyncServer server() {
        return server;
    }

    SyncScope scope() {
        return server.scope();
    }

    /** A client of the default scope, closed with the fixture. */
    SyncClient client(String name) {
        return client(scope(), name);
    }

    /** A client of scope {@code in}, closed with the fixture. */
    SyncClient client(SyncScope in, String name) {
        SyncClient c = in.client(name);
        clients.add(c);
        return c;
    }

    /** {@code c.sync(r)} on another thread, so that the test can go on while it blocks. */
    CompletableFuture<SyncResult> async(SyncClient c, SyncRequest r) {
        return later(() -> c.sync(r));
    }

    /** Any blocking call on another thread. */
    <T> CompletableFuture<T> later(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, pool);
    }

    /** Waits (up to 10 s) until {@code participant} waits at {@code syncpoint}: a test's "A is there first". */
    void awaitArrival(String syncpoint, String participant) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (scope().events(0).stream().noneMatch(e -> e.type() == SyncEventType.ARRIVED
                && e.participant().equals(participant) && e.subject().equals(syncpoint))) {
            if (System.nanoTime() > until) {
                throw new AssertionError("[" + participant + "] did not arrive at [" + syncpoint + "] within 10 s.");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws InterruptedException {
        clients.forEach(SyncClient::close);
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }
}
