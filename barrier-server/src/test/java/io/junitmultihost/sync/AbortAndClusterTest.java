package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AbortAndClusterTest {

    private static final Duration T = Duration.ofSeconds(20);

    private final SyncServerFixture fixture = new SyncServerFixture();
    private final SyncServer server = fixture.server();
    private final SyncScope scope = fixture.scope();

    @AfterEach
    void stop() throws InterruptedException {
        fixture.close();
    }

    @Test
    void anAbortWakesEveryoneAtOnceWithTheReason() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        SyncClient c = fixture.client("c");
        CompletableFuture<SyncResult> fa = fixture.later(() -> a.sync(SyncRequest.to("x").with("b", "z").timeout(T)));
        CompletableFuture<SyncResult> fb = fixture.later(() -> b.sync(SyncRequest.to("x").with("a", "z").timeout(T)));
        CompletableFuture<KeyValue> fk = fixture.later(() -> c.waitKey("never", T));
        Thread.sleep(300);
        long start = System.nanoTime();
        fixture.client("d").abort("part [db] failed: disk full");
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
            SyncClient a = fixture.client(other, "a");
            SyncClient b = fixture.client(other, "b");
            CompletableFuture<SyncResult> fa = fixture.later(() -> a.sync(SyncRequest.to("x").with("b").timeout(T)));
            assertThat(b.sync(SyncRequest.to("x").with("a").timeout(T)).success()).isTrue();
            assertThat(fa.get(5, TimeUnit.SECONDS).success()).isTrue();
        }
    }

    @Test
    void waitReadyReturnsReadyWhenEveryMemberIsReady() throws Exception {
        scope.defineCluster(Set.of("server", "client"));
        SyncClient s = fixture.client("server");
        SyncClient c = fixture.client("client");
        s.writeState("started", "server", "10.0.0.1");
        c.writeState("started", "client", "10.0.0.2");
        CompletableFuture<ClusterResult> fs = fixture.later(() -> s.waitReady(T));
        Thread.sleep(200);
        assertThat(fs).isNotDone();
        ClusterResult rc = c.waitReady(T);
        assertThat(rc.outcome()).isEqualTo(ClusterOutcome.READY);
        assertThat(fs.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ClusterOutcome.READY);
        assertThat(c.rolesIpExports()).isEqualTo("export client='10.0.0.2'\nexport server='10.0.0.1'\n");
        assertThat(scope.roles()).containsEntry("server", List.of("10.0.0.1"));
        CompletableFuture<ClusterResult> ff = fixture.later(() -> s.waitFinish(T));
        assertThat(c.waitFinish(T).outcome()).isEqualTo(ClusterOutcome.FINISH);
        assertThat(ff.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ClusterOutcome.FINISH);
    }

    @Test
    void waitReadyReturnsAbortAsSoonAsAMemberFails() throws Exception {
        scope.defineCluster(Set.of("server", "client"));
        SyncClient s = fixture.client("server");
        SyncClient c = fixture.client("client");
        CompletableFuture<ClusterResult> fs = fixture.later(() -> s.waitReady(T));
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
        SyncClient s = fixture.client("server");
        CompletableFuture<ClusterResult> fs = fixture.later(() -> s.waitReady(T));
        Thread.sleep(200);
        scope.declareDead("client", "host [client] was killed");
        ClusterResult r = fs.get(5, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(ClusterOutcome.ABORT);
        assertThat(r.reason()).contains("[client] is dead (host [client] was killed)");
    }

    @Test
    void aMemberWhoseProcessDiedAbortsTheWaitsOpenThenButANewProcessOfItIsReadyLater() throws Exception {
        scope.defineCluster(Set.of("server", "client", "other"));
        RawHttp killed = new RawHttp(server);
        killed.send(RawHttp.request("POST", "/v1/cluster/ready?as=client&timeout=20s", scope.endpoint().token(), ""));
        SyncClient s = fixture.client("server");
        CompletableFuture<ClusterResult> first = fixture.later(() -> s.waitReady(T));
        await().atMost(Duration.ofSeconds(10)).until(() -> scope.events(0).stream()
                .filter(e -> e.type() == SyncEventType.STATE).count() >= 2);
        killed.close();
        ClusterResult aborted = first.get(10, TimeUnit.SECONDS);
        assertThat(aborted.outcome()).isEqualTo(ClusterOutcome.ABORT);
        assertThat(aborted.reason()).contains("[client] is dead (its connection dropped");

        CompletableFuture<ClusterResult> newClient = fixture.later(() -> fixture.client("client").waitReady(T));
        CompletableFuture<ClusterResult> other = fixture.later(() -> fixture.client("other").waitReady(T));
        ClusterResult later = s.waitReady(T);

        assertThat(later.outcome()).isEqualTo(ClusterOutcome.READY);
        assertThat(newClient.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(ClusterOutcome.READY);
        assertThat(other.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(ClusterOutcome.READY);
    }

    @Test
    void theDefaultMembersAreWaitedForWhenAWaitNamesNone() throws Exception {
        scope.defaultCluster(Set.of("server", "client"));
        SyncClient s = fixture.client("server");
        CompletableFuture<ClusterResult> fs = fixture.later(() -> s.waitReady(T));
        Thread.sleep(200);
        assertThat(fs).isNotDone();
        assertThat(fixture.client("client").waitReady(T).outcome()).isEqualTo(ClusterOutcome.READY);
        assertThat(fs.get(5, TimeUnit.SECONDS).members()).containsOnlyKeys("server", "client");
    }

    @Test
    void explicitMembersWinOverTheDefaultOnesAndTheDefaultIsNoSecondSet() {
        scope.defaultCluster(Set.of("server", "client", "other"));
        scope.defaultCluster(Set.of("server", "client"));   // a later default replaces the earlier, before any wait

        SyncClient s = fixture.client("server");
        s.defineCluster(List.of("server"));
        ClusterResult r = s.waitReady(T);

        assertThat(r.outcome()).isEqualTo(ClusterOutcome.READY);
        assertThat(r.members()).containsOnlyKeys("server");
    }

    @Test
    void rolesAndAddressesDescribedByTheEngineAreExportedBeforeAnyMemberWritesItsState() {
        scope.describe("server-1", "server", "10.0.0.1");
        scope.describe("client-1", "client", "10.0.0.2");
        scope.describe("client-2", "client", "10.0.0.3");

        assertThat(fixture.client("client-1").rolesIpExports())
                .isEqualTo("export client='10.0.0.2 10.0.0.3'\nexport server='10.0.0.1'\n");
    }

    @Test
    void waitReadyTimesOutNamingWhoWasNotReady() {
        scope.defineCluster(Set.of("server", "client"));
        ClusterResult r = fixture.client("server").waitReady(Duration.ofMillis(300));
        assertThat(r.outcome()).isEqualTo(ClusterOutcome.TIMED_OUT);
        assertThat(r.reason()).contains("Cluster members [client] were not ready within [300 ms]");
        assertThatThrownBy(r::orThrow).isInstanceOf(SyncTimeoutException.class);
    }

    @Test
    void keysSupportSetGetCompareAndSetAndWaits() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        assertThat(a.get("db/primary")).isEmpty();
        CompletableFuture<KeyValue> waiting = fixture.later(() -> b.waitKey("db/primary", T));
        CompletableFuture<KeyValue> waitingForValue = fixture.later(() -> b.waitKey("db/primary", "db2", 0, T));
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
                .hasMessageContaining("Key [missing] was not set within [200 ms]");
    }

    @Test
    void theEventStreamRecordsArrivalsVotesStatesAndAbortsInOrderWithTimes() throws Exception {
        List<SyncEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable sub = scope.subscribe(0, seen::add)) {
            SyncClient a = fixture.client("a");
            SyncClient b = fixture.client("b");
            CompletableFuture<List<SyncEvent>> polled = fixture.later(() -> b.events(0, T));
            CompletableFuture<SyncResult> fa = fixture.later(() -> a.sync(SyncRequest.to("e").with("b").timeout(T)));
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
        List<SyncEvent> polledAll = fixture.client("c").events(0, Duration.ZERO);
        assertThat(polledAll).isEqualTo(seen);
    }
}
