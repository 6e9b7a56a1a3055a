package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyncPointTest {

    private static final Duration T = Duration.ofSeconds(20);

    private final SyncServerFixture fixture = new SyncServerFixture();
    private final SyncServer server = fixture.server();
    private final SyncScope scope = fixture.scope();

    @AfterEach
    void stop() throws InterruptedException {
        fixture.close();
    }

    @Test
    void threeParticipantsMeetAndAllSeeEveryoneSyncedYes() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        SyncClient c = fixture.client("c");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("start").with("b", "c").timeout(T));
        CompletableFuture<SyncResult> fb = fixture.async(b, SyncRequest.to("start").with("a", "c").timeout(T));
        SyncResult rc = c.sync(SyncRequest.to("start").with("a", "b").timeout(T));
        for (SyncResult r : List.of(fa.get(10, TimeUnit.SECONDS), fb.get(10, TimeUnit.SECONDS), rc)) {
            assertThat(r.success()).isTrue();
            assertThat(r.outcome()).isEqualTo(SyncOutcome.RELEASED);
            assertThat(r.states()).containsOnlyKeys("a", "b", "c").allSatisfy((p, s) -> assertThat(s).isEqualTo(SyncState.SYNCED_YES));
        }
    }

    @Test
    void aNoVoteFailsTheYesVotersButNotTheNoVoter() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("vote").with("b").timeout(T));
        SyncResult rb = b.sync(SyncRequest.to("vote").with("a").vote(Vote.NO).timeout(T));
        SyncResult ra = fa.get(10, TimeUnit.SECONDS);
        assertThat(rb.success()).isTrue();
        assertThat(ra.success()).isFalse();
        assertThat(ra.outcome()).isEqualTo(SyncOutcome.RELEASED);
        assertThat(ra.states()).containsEntry("a", SyncState.SYNCED_YES).containsEntry("b", SyncState.SYNCED_NO);
        assertThat(ra.reason()).contains("[b] voted NO");
        assertThatThrownBy(ra::orThrow).isInstanceOf(SyncFailedException.class).hasMessageContaining("[b] voted NO");
    }

    @Test
    void oneSenderBroadcastsAMessageToTheOthers() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        SyncClient c = fixture.client("c");
        CompletableFuture<SyncResult> fb = fixture.async(b, SyncRequest.to("addr").with("a", "c").timeout(T));
        CompletableFuture<SyncResult> fc = fixture.async(c, SyncRequest.to("addr").with("a", "b").timeout(T));
        SyncResult ra = a.sync(SyncRequest.to("addr").with("b", "c").message("10.0.0.7:5432\nline two %").timeout(T));
        SyncMessage sent = ra.message().orElseThrow();
        assertThat(sent.sent()).isTrue();
        assertThat(sent.sender()).isEqualTo("a");
        for (SyncResult r : List.of(fb.get(10, TimeUnit.SECONDS), fc.get(10, TimeUnit.SECONDS))) {
            SyncMessage m = r.message().orElseThrow();
            assertThat(m.text()).isEqualTo("10.0.0.7:5432\nline two %");
            assertThat(m.received()).isTrue();
            assertThat(m.duplicateSenders()).isFalse();
            assertThat(m.truncated()).isFalse();
        }
    }

    @Test
    void aSecondSenderAndAnOversizedMessageAreFlagged() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        byte[] big = new byte[1500];
        java.util.Arrays.fill(big, (byte) 'x');
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("dup").with("b").message(big).timeout(T));
        fixture.awaitArrival("dup", "a");
        SyncResult rb = b.sync(SyncRequest.to("dup").with("a").message("mine").timeout(T));
        SyncResult ra = fa.get(10, TimeUnit.SECONDS);
        assertThat(ra.message().orElseThrow().data()).hasSize(SyncMessage.MAX_BYTES);
        assertThat(ra.message().orElseThrow().truncated()).isTrue();
        assertThat(ra.message().orElseThrow().duplicateSenders()).isTrue();
        assertThat(rb.message().orElseThrow().sender()).isEqualTo("a");
        assertThat(rb.message().orElseThrow().received()).isTrue();
    }

    @Test
    void syncpointZeroMeansEachParticipantsNextNumber() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        for (int i = 1; i <= 3; i++) {
            CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.next().with("b").timeout(T));
            SyncResult rb = b.sync(SyncRequest.next().with("a").timeout(T));
            assertThat(rb.syncpoint()).isEqualTo(Integer.toString(i));
            assertThat(fa.get(10, TimeUnit.SECONDS).syncpoint()).isEqualTo(Integer.toString(i));
        }
        assertThat(scope.participant("a").orElseThrow().lastNumber()).isEqualTo(3);
    }

    @Test
    void syncingAgainToASyncpointThatHappenedIsAnError() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("once").with("b").timeout(T));
        b.sync(SyncRequest.to("once").with("a").timeout(T)).orThrow();
        fa.get(10, TimeUnit.SECONDS).orThrow();
        assertThatThrownBy(() -> a.sync(SyncRequest.to("once").with("b").timeout(T)))
                .isInstanceOf(SyncRejectedException.class)
                .hasMessageContaining("Syncpoint [once] already happened")
                .satisfies(e -> assertThat(((SyncRejectedException) e).status()).isEqualTo(409));
    }

    @Test
    void listingAParticipantTwiceIsAnError() {
        SyncClient a = fixture.client("a");
        assertThatThrownBy(() -> a.sync(SyncRequest.to("dups").with("b", "c", "b").timeout(T)))
                .isInstanceOf(SyncRejectedException.class)
                .hasMessageContaining("Participant [b] is listed twice");
    }

    @Test
    void participantsMustAgreeOnWhoMeets() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("set").with("b").timeout(Duration.ofSeconds(3)));
        fixture.awaitArrival("set", "a");
        assertThatThrownBy(() -> b.sync(SyncRequest.to("set").with("a", "c").timeout(T)))
                .isInstanceOf(SyncRejectedException.class)
                .hasMessageContaining("but it was opened with [a, b]");
        assertThat(fa.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(SyncOutcome.TIMED_OUT);
    }

    @Test
    void theInactivityWaitTimesOutNamingWhoIsMissing() {
        SyncClient a = fixture.client("a");
        long start = System.nanoTime();
        SyncResult r = a.sync(SyncRequest.to("lonely").with("b", "c").inactivity(Duration.ofMillis(500)).timeout(T));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.outcome()).isEqualTo(SyncOutcome.TIMED_OUT);
        assertThat(r.states()).containsEntry("a", SyncState.SYNCED_YES).containsEntry("b", SyncState.TIMED_OUT)
                .containsEntry("c", SyncState.TIMED_OUT);
        assertThat(r.reason()).contains("inactivity wait").contains("still missing: [b, c]");
    }

    @Test
    void theOverallDeadlineTimesOutEvenWhileOthersKeepArriving() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("slow").with("b", "c").inactivity(T).timeout(Duration.ofMillis(800)));
        fixture.awaitArrival("slow", "a");
        SyncResult rb = b.sync(SyncRequest.to("slow").with("a", "c").timeout(T));
        assertThat(rb.outcome()).isEqualTo(SyncOutcome.TIMED_OUT);
        assertThat(rb.reason()).contains("deadline of [800 ms]").contains("still missing: [c]");
        assertThat(fa.get(10, TimeUnit.SECONDS).states()).containsEntry("c", SyncState.TIMED_OUT);
    }

    @Test
    void aLateParticipantLearnsHowTheSyncpointItMissedEnded() {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        a.sync(SyncRequest.to("missed").with("b").timeout(Duration.ofMillis(300)));
        SyncResult late = b.sync(SyncRequest.to("missed").with("a").timeout(T));
        assertThat(late.success()).isFalse();
        assertThat(late.outcome()).isEqualTo(SyncOutcome.TIMED_OUT);
        assertThat(late.states()).containsEntry("b", SyncState.TIMED_OUT);
    }

    @Test
    void statusShowsWhoArrivedAtAnOpenSyncpoint() throws Exception {
        SyncClient a = fixture.client("a");
        SyncClient b = fixture.client("b");
        CompletableFuture<SyncResult> fa = fixture.async(a, SyncRequest.to("peek").with("b").timeout(T));
        fixture.awaitArrival("peek", "a");
        SyncResult open = b.status("peek");
        assertThat(open.outcome()).isEqualTo(SyncOutcome.OPEN);
        assertThat(open.states()).containsEntry("a", SyncState.SYNCED_YES).containsEntry("b", SyncState.NOT_SYNCED);
        b.sync(SyncRequest.to("peek").with("a").timeout(T)).orThrow();
        fa.get(10, TimeUnit.SECONDS).orThrow();
        assertThat(b.status("peek").outcome()).isEqualTo(SyncOutcome.RELEASED);
        assertThatThrownBy(() -> b.status("never-there")).isInstanceOf(SyncRejectedException.class)
                .hasMessageContaining("Syncpoint [never-there] is not known");
    }

    @Test
    void asynchronousSyncsNeedNoThreadEach() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            names.add("q" + i);
        }
        List<SyncClient> clients = names.stream().map(fixture::client).toList();
        // One call first, refused or not, so that the client's I/O thread runs before threads are counted.
        fixture.client("warm-up").syncAsync(SyncRequest.to("warm-up").with("warm-up").timeout(T))
                .exceptionally(refused -> null).get(10, TimeUnit.SECONDS);
        int threadsBefore = liveThreads();
        List<CompletableFuture<SyncResult>> all = new ArrayList<>();
        for (int i = 0; i < 199; i++) {
            all.add(clients.get(i).syncAsync(SyncRequest.to("async").with(names).timeout(T)));
        }
        // All 199 wait at the server for the last one; a thread per pending sync would show here.
        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.scope().events(0).stream()
                .filter(e -> e.type() == SyncEventType.ARRIVED && e.subject().equals("async")).count() == 199);
        assertThat(all).noneMatch(CompletableFuture::isDone);
        assertThat(liveThreads() - threadsBefore).as("threads added for 199 pending syncs").isLessThan(20);
        all.add(clients.get(199).syncAsync(SyncRequest.to("async").with(names).timeout(T)));
        for (CompletableFuture<SyncResult> f : all) {
            assertThat(f.get(30, TimeUnit.SECONDS).success()).isTrue();
        }
        assertThat(all.get(7).get().states()).hasSize(200).containsEntry("q199", SyncState.SYNCED_YES);
        CompletableFuture<SyncResult> lonely = fixture.client("solo").syncAsync(SyncRequest.to("async-timeout").with("nobody")
                .timeout(Duration.ofMillis(300)));
        assertThat(lonely.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(SyncOutcome.TIMED_OUT);
        assertThatThrownBy(() -> fixture.client("solo2").syncAsync(SyncRequest.to("dup").with("x", "x")).join())
                .hasCauseInstanceOf(SyncRejectedException.class);
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @Test
    void aThousandParticipantsAreReleasedTogether() throws Exception {
        int n = 1000;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("p" + i);
        }
        List<CompletableFuture<SyncResult>> all = new ArrayList<>();
        ExecutorService many = Executors.newFixedThreadPool(n);
        try {
            for (String name : names) {
                SyncClient c = fixture.client(name);
                all.add(CompletableFuture.supplyAsync(() -> c.sync(SyncRequest.to("big").with(names).timeout(T)), many));
            }
            for (CompletableFuture<SyncResult> f : all) {
                SyncResult r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.success()).isTrue();
            }
            assertThat(all.get(0).get().states()).hasSize(n);
        } finally {
            many.shutdownNow();
        }
    }
}
