package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LivenessTest {

    private static final Duration T = Duration.ofSeconds(20);

    private final SyncServerFixture fixture = new SyncServerFixture();
    private final SyncServer server = fixture.server();
    private final SyncScope scope = fixture.scope();
    private final String token = scope.endpoint().token();

    @AfterEach
    void stop() throws InterruptedException {
        fixture.close();
    }

    /** A participant blocked in a sync over a raw socket, so the test can drop it or leave it hanging. */
    private RawHttp rawSync(String as, String name, String with) throws Exception {
        RawHttp raw = new RawHttp(server);
        raw.send(RawHttp.request("POST", "/v1/sync/" + name + "?as=" + as + "&with=" + with + "&timeout=20s", token, ""));
        return raw;
    }

    private void awaitArrivals(String syncpoint, int n) throws InterruptedException {
        SyncClient probe = fixture.client("probe");
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try {
                if (probe.status(syncpoint).participantsIn(SyncState.SYNCED_YES).size() >= n) {
                    return;
                }
            } catch (SyncRejectedException notYet) {
                // Nobody there yet.
            }
            Thread.sleep(20);
        }
        throw new AssertionError("Syncpoint [" + syncpoint + "] did not get " + n + " arrivals.");
    }

    @Test
    void aParticipantWhoseConnectionDropsMidSyncIsDeadAndTheOthersFailAtOnceNamingIt() throws Exception {
        SyncClient a = fixture.client("a");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("work").with("b", "c").timeout(T));
        RawHttp b = rawSync("b", "work", "a,c");
        awaitArrivals("work", 2);
        long start = System.nanoTime();
        b.close();
        SyncResult r = fa.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.outcome()).isEqualTo(SyncOutcome.FAILED);
        assertThat(r.states()).containsEntry("a", SyncState.SYNCED_YES).containsEntry("b", SyncState.DEAD)
                .containsEntry("c", SyncState.NOT_SYNCED);
        assertThat(r.reason()).contains("participant [b] is dead").contains("connection dropped");
        assertThat(scope.participant("b").orElseThrow().status()).isEqualTo(ParticipantStatus.DEAD);
    }

    @Test
    void aLeaseThatLapsesKillsTheParticipantWithinTheLeaseEvenWhileItsConnectionHangs() throws Exception {
        try (RawHttp join = new RawHttp(server)) {
            join.send(RawHttp.request("POST", "/v1/join?as=b&lease=1s", token, ""));
            assertThat(join.response()).contains("200 OK");
        }
        long start = System.nanoTime();
        RawHttp hanging = rawSync("b", "lease", "a,c");
        SyncClient a = fixture.client("a");
        SyncResult r = a.sync(SyncRequest.to("lease").with("b", "c").timeout(T));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        // Either b's lease lapsed before a arrived (the sync fails at once) or while a waited.
        assertThat(r.outcome()).isEqualTo(SyncOutcome.FAILED);
        assertThat(r.states()).containsEntry("b", SyncState.DEAD);
        assertThat(r.reason()).contains("[b] is dead").contains("lease of [1 s] lapsed");
        hanging.close();
    }

    @Test
    void heartbeatsKeepALeaseAlive() throws Exception {
        // A 3 s lease, renewed every second: a pause of up to 2 s on a loaded machine is no lapse.
        Duration lease = Duration.ofSeconds(3);
        SyncClient b = fixture.client("b");
        b.join(lease);
        rawJoin("silent", lease);

        // The same lease without heartbeats, taken after b's, lapses: so b's would have too.
        awaitDeath("silent");

        assertThat(scope.participant("b").orElseThrow().status()).isEqualTo(ParticipantStatus.ALIVE);
        assertThat(scope.events(0)).noneMatch(e -> e.type() == SyncEventType.DEAD && e.participant().equals("b"));
    }

    /** Joins {@code as} over a raw socket with {@code lease}; nothing renews it afterwards. */
    private void rawJoin(String as, Duration lease) throws Exception {
        try (RawHttp join = new RawHttp(server)) {
            join.send(RawHttp.request("POST", "/v1/join?as=" + as + "&lease=" + lease.toMillis() + "ms", token, ""));
            assertThat(join.response()).contains("200 OK");
        }
    }

    /** Waits for the server's event that {@code participant} is dead: its lease lapsed. */
    private void awaitDeath(String participant) {
        await().atMost(Duration.ofSeconds(20)).until(() -> scope.events(0).stream()
                .anyMatch(e -> e.type() == SyncEventType.DEAD && e.participant().equals(participant)));
    }

    @Test
    void anExpectedAbsenceIsNotDeathAndTheParticipantRejoinsAndMeetsTheOthers() throws Exception {
        rawJoin("b", Duration.ofSeconds(1));
        scope.expectAbsence("b", "rebooting on purpose");
        SyncClient a = fixture.client("a");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("after-reboot").with("b").timeout(T));
        fixture.awaitArrival("after-reboot", "a");
        rawJoin("control", Duration.ofSeconds(1));

        // The same lease, taken after b's and not renewed, lapses: so b's has lapsed too.
        awaitDeath("control");

        assertThat(scope.participant("b").orElseThrow().status()).isEqualTo(ParticipantStatus.ABSENT);
        assertThat(fa).isNotDone();
        SyncClient b = fixture.client("b");
        assertThat(b.join(Duration.ZERO).rejoined()).isTrue();
        b.sync(SyncRequest.to("after-reboot").with("a").timeout(T)).orThrow();
        assertThat(fa.get(10, TimeUnit.SECONDS).success()).isTrue();
    }

    @Test
    void aParticipantThatWillNeverComeBackIsRemovedFromOpenAndLaterSyncpoints() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("trio").with("b", "c").timeout(T));
        CompletableFuture<SyncResult> fb = fixture.async(b, SyncRequest.to("trio").with("a", "c").timeout(T));
        awaitArrivals("trio", 2);
        scope.remove("c", "start mode NEVER");
        SyncResult ra = fa.get(10, TimeUnit.SECONDS);
        assertThat(ra.success()).isTrue();
        assertThat(ra.removed()).containsExactly("c");
        assertThat(ra.states()).containsOnlyKeys("a", "b");
        fb.get(10, TimeUnit.SECONDS).orThrow();
        CompletableFuture<SyncResult> later = fixture.async(a, SyncRequest.to("later").with("b", "c").timeout(T));
        b.sync(SyncRequest.to("later").with("a", "c").timeout(T)).orThrow();
        assertThat(later.get(10, TimeUnit.SECONDS).removed()).containsExactly("c");
    }

    @Test
    void theEngineDeclaringAHostGoneFailsItsSyncpointsAtOnceEvenDuringAnAbsence() throws Exception {
        scope.expectAbsence("b", "rebooting");
        SyncClient a = fixture.client("a");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("gone").with("b").timeout(T));
        awaitArrivals("gone", 1);
        scope.declareDead("b", "host [b] did not come back after its reboot");
        SyncResult r = fa.get(5, TimeUnit.SECONDS);
        assertThat(r.outcome()).isEqualTo(SyncOutcome.FAILED);
        assertThat(r.reason()).contains("[b] is dead (host [b] did not come back after its reboot)");
    }

    @Test
    void aSyncpointThatListsAnAlreadyDeadParticipantFailsAtOnce() {
        scope.declareDead("b", "host gone");
        SyncResult r = fixture.client("a").sync(SyncRequest.to("hopeless").with("b").timeout(T));
        assertThat(r.outcome()).isEqualTo(SyncOutcome.FAILED);
        assertThat(r.states()).containsEntry("b", SyncState.DEAD);
    }

    @Test
    void aNewProcessOfAParticipantWhoseProcessDiedMidSyncTakesPartInTheNextSyncpoint() throws Exception {
        SyncClient a = fixture.client("a");
        CompletableFuture<SyncResult> first = fixture.async(a, SyncRequest.to("first").with("b", "c").timeout(T));
        RawHttp killed = rawSync("b", "first", "a,c");
        awaitArrivals("first", 2);
        killed.close();
        assertThat(first.get(10, TimeUnit.SECONDS).states()).containsEntry("b", SyncState.DEAD);

        CompletableFuture<SyncResult> second = fixture.async(a, SyncRequest.to("second").with("b").timeout(T));
        fixture.awaitArrival("second", "a");
        assertThat(second).as("a later syncpoint waits for a new process of [b]").isNotDone();
        SyncResult newProcess = fixture.client("b").sync(SyncRequest.to("second").with("a").timeout(T));

        assertThat(newProcess.success()).isTrue();
        assertThat(second.get(10, TimeUnit.SECONDS).success()).isTrue();
        ParticipantInfo b = scope.participant("b").orElseThrow();
        assertThat(b.status()).isEqualTo(ParticipantStatus.ALIVE);
        assertThat(b.passed()).containsExactly("first", "second");
        assertThat(scope.events(0)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(SyncEventType.REJOINED);
            assertThat(e.participant()).isEqualTo("b");
            assertThat(e.detail()).contains("a new process").contains("connection dropped");
        });
    }

    @Test
    void aLaterSyncpointThatTimesOutWaitingForADeadProcessSaysItDiedEarlier() throws Exception {
        SyncClient a = fixture.client("a");
        CompletableFuture<SyncResult> first = fixture.async(a, SyncRequest.to("first").with("b", "c").timeout(T));
        RawHttp killed = rawSync("b", "first", "a,c");
        awaitArrivals("first", 2);
        killed.close();
        first.get(10, TimeUnit.SECONDS);

        SyncResult later = a.sync(SyncRequest.to("later").with("b").timeout(Duration.ofMillis(500)));

        assertThat(later.outcome()).isEqualTo(SyncOutcome.TIMED_OUT);
        assertThat(later.reason()).contains("still missing: [b]").contains("[b] died earlier (its connection dropped")
                .contains("no new process of it came");
    }

    @Test
    void aNewProcessDoesNotInheritTheLeaseOfTheOneThatDied() throws Exception {
        try (RawHttp join = new RawHttp(server)) {
            join.send(RawHttp.request("POST", "/v1/join?as=b&lease=1s", token, ""));
            assertThat(join.response()).contains("200 OK");
        }
        RawHttp hanging = rawSync("b", "lapse", "a,c");
        SyncResult lapsed = fixture.client("a").sync(SyncRequest.to("lapse").with("b", "c").timeout(T));
        assertThat(lapsed.reason()).contains("lease of [1 s] lapsed");
        hanging.close();

        CompletableFuture<SyncResult> next = fixture.async(fixture.client("b"), SyncRequest.to("next").with("a").timeout(T));
        fixture.awaitArrival("next", "b");

        assertThat(scope.participant("b").orElseThrow().lease()).isEqualTo(Duration.ZERO);
        assertThat(fixture.client("a").sync(SyncRequest.to("next").with("b").timeout(T)).success()).isTrue();
        assertThat(next.get(10, TimeUnit.SECONDS).success()).isTrue();
    }

    @Test
    void aParticipantWhoLeftTakesPartAgainWithANewProcess() throws Exception {
        SyncClient b = fixture.client("b");
        b.join(Duration.ZERO);
        b.leave();
        CompletableFuture<SyncResult> a = fixture.async(fixture.client("a"), SyncRequest.to("again").with("b").timeout(T));
        fixture.awaitArrival("again", "a");

        assertThat(fixture.client("b").sync(SyncRequest.to("again").with("a").timeout(T)).success()).isTrue();
        assertThat(a.get(10, TimeUnit.SECONDS).success()).isTrue();
    }

    @Test
    void aHostTheEngineDeclaredGoneTakesPartAgainOnceTheEngineExpectsItBackFromAReboot() {
        scope.declareDead("b", "host [b] did not come back from its reboot");
        scope.expectAbsence("b", "rebooting again");
        scope.endAbsence("b");

        assertThat(scope.participant("b").orElseThrow().status()).isEqualTo(ParticipantStatus.ALIVE);
        CompletableFuture<SyncResult> a = fixture.async(fixture.client("a"), SyncRequest.to("back").with("b").timeout(T));
        assertThat(fixture.client("b").sync(SyncRequest.to("back").with("a").timeout(T)).success()).isTrue();
        assertThat(a.join().success()).isTrue();
    }

    @Test
    void aParticipantThatComesBackSeesTheSyncpointsItAlreadyPassed() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("before-reboot").with("b").timeout(T));
        b.sync(SyncRequest.to("before-reboot").with("a").timeout(T)).orThrow();
        fa.get(10, TimeUnit.SECONDS).orThrow();
        CompletableFuture<SyncResult> fa2 = fixture.async(a, SyncRequest.next().with("b").timeout(T));
        b.sync(SyncRequest.next().with("a").timeout(T)).orThrow();
        fa2.get(10, TimeUnit.SECONDS).orThrow();
        SyncClient rebooted = fixture.client("b");
        ParticipantInfo info = rebooted.join(Duration.ZERO);
        assertThat(info.rejoined()).isTrue();
        assertThat(info.passed()).containsExactly("before-reboot", "1");
        assertThat(info.hasPassed("before-reboot")).isTrue();
        assertThat(info.lastNumber()).isEqualTo(1);
    }

    @Test
    void aDeadParticipantMustJoinAgainBeforeSyncing() {
        scope.declareDead("b", "host gone");
        SyncClient b = fixture.client("b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.sync(SyncRequest.to("x").with("a").timeout(T)))
                .isInstanceOf(SyncRejectedException.class).hasMessageContaining("join again");
        b.join(Duration.ZERO);
        assertThat(scope.participant("b").orElseThrow().status()).isEqualTo(ParticipantStatus.ALIVE);
    }

    @Test
    void leavingFailsWhatStillExpectsTheParticipantNamingThatItLeft() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        b.join(Duration.ofSeconds(5));
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("bye").with("b").timeout(T));
        awaitArrivals("bye", 1);
        b.leave();
        SyncResult r = fa.get(5, TimeUnit.SECONDS);
        assertThat(r.reason()).contains("[b] is dead (it left the run)");
    }
}
