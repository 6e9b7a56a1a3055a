package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AbortAndClusterTest {

    private static final Duration T = Duration.ofSeconds(20);

    private SyncServer server;
    private SyncScope scope;
    private final List<SyncClient> clients = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        server = SyncServer.start();
        scope = server.scope();
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.forEach(SyncClient::close);
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private SyncClient client(String name) {
        SyncClient c = scope.client(name);
        clients.add(c);
        return c;
    }

    @Test
    void anAbortWakesEveryoneAtOnceWithTheReason() throws Exception {
        SyncClient a = client("a");
        SyncClient b = client("b");
        SyncClient c = client("c");
        CompletableFuture<SyncResult> fa = CompletableFuture.supplyAsync(() -> a.sync(SyncRequest.to("x").with("b", "z").timeout(T)), pool);
        CompletableFuture<SyncResult> fb = CompletableFuture.supplyAsync(() -> b.sync(SyncRequest.to("x").with("a", "z").timeout(T)), pool);
        CompletableFuture<KeyValue> fk = CompletableFuture.supplyAsync(() -> c.waitKey("never", T), pool);
        Thread.sleep(300);
        long start = System.nanoTime();
        client("d").abort("part [db] failed: disk full");
        SyncResult ra = fa.get(5, TimeUnit.SECONDS);
        SyncResult rb = fb.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        for (SyncResult r : List.of(ra, rb)) {
            assertThat(r.outcome()).isEqualTo(SyncOutcome.ABORTED);
            assertThat(r.reason()).contains("aborted by [d]: part [db] failed: disk full");
            assertThatThrownBy(r::orThrow).isInstanceOf(SyncAbortedException.class);
        }
        assertThatThrownBy(() -> fk.join()).hasCauseInstanceOf(SyncAbortedException.class)
                .hasMessageContaining("disk full");
        // Later blocking calls return at once too.
        assertThat(a.sync(SyncRequest.to("y").with("b").timeout(T)).outcome()).isEqualTo(SyncOutcome.ABORTED);
        assertThat(a.waitReady(T).outcome()).isEqualTo(ClusterOutcome.ABORT);
    }

    @Test
    void anAbortInOneScopeLeavesAnotherScopeAlone() throws Exception {
        try (SyncScope other = server.openScope("test-2")) {
            scope.abort("test 1 failed");
            SyncClient a = other.client("a");
            SyncClient b = other.client("b");
            clients.add(a);
            clients.add(b);
            CompletableFuture<SyncResult> fa = CompletableFuture.supplyAsync(() -> a.sync(SyncRequest.to("x").with("b").timeout(T)), pool);
            assertThat(b.sync(SyncRequest.to("x").with("a").timeout(T)).success()).isTrue();
            assertThat(fa.get(5, TimeUnit.SECONDS).success()).isTrue();
        }
    }

    @Test
    void waitReadyReturnsReadyWhenEveryMemberIsReady() throws Exception {
        scope.defineCluster(Set.of("server", "client"));
        SyncClient s = client("server");
        SyncClient c = client("client");
        s.writeState("started", "server", "10.0.0.1");
        c.writeState("started", "client", "10.0.0.2");
        CompletableFuture<ClusterResult> fs = CompletableFuture.supplyAsync(() -> s.waitReady(T), pool);
        Thread.sleep(200);
        assertThat(fs).isNotDone();
        ClusterResult rc = c.waitReady(T);
        assertThat(rc.outcome()).isEqualTo(ClusterOutcome.READY);
        assertThat(fs.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ClusterOutcome.READY);
        assertThat(c.rolesIpExports()).isEqualTo("export client='10.0.0.2'\nexport server='10.0.0.1'\n");
        assertThat(scope.roles()).containsEntry("server", List.of("10.0.0.1"));
        CompletableFuture<ClusterResult> ff = CompletableFuture.supplyAsync(() -> s.waitFinish(T), pool);
        assertThat(c.waitFinish(T).outcome()).isEqualTo(ClusterOutcome.FINISH);
        assertThat(ff.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ClusterOutcome.FINISH);
    }

    @Test
    void waitReadyReturnsAbortAsSoonAsAMemberFails() throws Exception {
        scope.defineCluster(Set.of("server", "client"));
        SyncClient s = client("server");
        SyncClient c = client("client");
        CompletableFuture<ClusterResult> fs = CompletableFuture.supplyAsync(() -> s.waitReady(T), pool);
        Thread.sleep(200);
        c.writeState("failed", null, null);
        ClusterResult r = fs.get(5, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(ClusterOutcome.ABORT);
        assertThat(r.reason()).contains("[client] aborted");
        assertThat(r.members()).containsEntry("client", "abort");
    }

    @Test
    void waitReadyReturnsAbortWhenAMemberDies() throws Exception {
        scope.defineCluster(Set.of("server", "client"));
        SyncClient s = client("server");
        CompletableFuture<ClusterResult> fs = CompletableFuture.supplyAsync(() -> s.waitReady(T), pool);
        Thread.sleep(200);
        scope.declareDead("client", "host [client] was killed");
        ClusterResult r = fs.get(5, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(ClusterOutcome.ABORT);
        assertThat(r.reason()).contains("[client] is dead (host [client] was killed)");
    }

    @Test
    void waitReadyTimesOutNamingWhoWasNotReady() {
        scope.defineCluster(Set.of("server", "client"));
        ClusterResult r = client("server").waitReady(Duration.ofMillis(300));
        assertThat(r.outcome()).isEqualTo(ClusterOutcome.TIMED_OUT);
        assertThat(r.reason()).contains("Cluster members [client] were not ready within [PT0.3S]");
        assertThatThrownBy(r::orThrow).isInstanceOf(SyncTimeoutException.class);
    }

    @Test
    void keysSupportSetGetCompareAndSetAndWaits() throws Exception {
        SyncClient a = client("a");
        SyncClient b = client("b");
        assertThat(a.get("db/primary")).isEmpty();
        CompletableFuture<KeyValue> waiting = CompletableFuture.supplyAsync(() -> b.waitKey("db/primary", T), pool);
        CompletableFuture<KeyValue> waitingForValue = CompletableFuture.supplyAsync(
                () -> b.waitKey("db/primary", "db2", 0, T), pool);
        Thread.sleep(200);
        assertThat(a.compareAndSet("db/primary", null, "db1")).isTrue();
        assertThat(a.compareAndSet("db/primary", null, "db9")).isFalse();
        assertThat(waiting.get(5, TimeUnit.SECONDS).text()).isEqualTo("db1");
        assertThat(waitingForValue).isNotDone();
        assertThat(a.compareAndSet("db/primary", "nope", "db3")).isFalse();
        assertThat(a.compareAndSet("db/primary", "db1", "db2")).isTrue();
        KeyValue kv = waitingForValue.get(5, TimeUnit.SECONDS);
        assertThat(kv.text()).isEqualTo("db2");
        assertThat(kv.version()).isEqualTo(2);
        assertThat(a.set("db/primary", "db4")).isEqualTo(3);
        assertThat(a.get("db/primary").orElseThrow().text()).isEqualTo("db4");
        assertThatThrownBy(() -> a.waitKey("missing", Duration.ofMillis(200))).isInstanceOf(SyncTimeoutException.class)
                .hasMessageContaining("Key [missing] was not set within [PT0.2S]");
    }

    @Test
    void theEventStreamRecordsArrivalsVotesStatesAndAbortsInOrderWithTimes() throws Exception {
        List<SyncEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable sub = scope.subscribe(0, seen::add)) {
            SyncClient a = client("a");
            SyncClient b = client("b");
            CompletableFuture<List<SyncEvent>> polled = CompletableFuture.supplyAsync(() -> b.events(0, T), pool);
            CompletableFuture<SyncResult> fa = CompletableFuture.supplyAsync(() -> a.sync(SyncRequest.to("e").with("b").timeout(T)), pool);
            b.sync(SyncRequest.to("e").with("a").vote(Vote.NO).timeout(T));
            fa.get(5, TimeUnit.SECONDS);
            a.writeState("ready", "server", "10.0.0.1");
            a.abort("done here");
            assertThat(polled.get(5, TimeUnit.SECONDS)).isNotEmpty();
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (seen.stream().noneMatch(e -> e.type() == SyncEventType.ABORTED) && System.nanoTime() < end) {
                Thread.sleep(10);
            }
        }
        assertThat(seen).extracting(SyncEvent::type).containsSubsequence(SyncEventType.ARRIVED, SyncEventType.ARRIVED,
                SyncEventType.RELEASED, SyncEventType.STATE, SyncEventType.ABORTED);
        assertThat(seen).filteredOn(e -> e.type() == SyncEventType.ARRIVED && e.participant().equals("b"))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains("vote=NO"));
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).seq()).isEqualTo(seen.get(i - 1).seq() + 1);
            assertThat(seen.get(i).time()).isAfterOrEqualTo(seen.get(i - 1).time());
        }
        List<SyncEvent> polledAll = client("c").events(0, Duration.ZERO);
        assertThat(polledAll).isEqualTo(seen);
    }
}
