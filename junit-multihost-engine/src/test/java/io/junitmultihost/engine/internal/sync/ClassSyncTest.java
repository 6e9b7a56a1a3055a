package io.junitmultihost.engine.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ClusterState;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.SyncAbortedException;
import io.junitmultihost.api.SyncFailedException;
import io.junitmultihost.api.SyncOutcome;
import io.junitmultihost.api.SyncRequest;
import io.junitmultihost.api.SyncResult;
import io.junitmultihost.api.SyncState;
import io.junitmultihost.engine.internal.events.HostEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Sync handle on a real barrier server, with the test JVM as the only participant: the API's
 * value types go to the server and come back, and every failure is the API's own exception with
 * the server's sentence.
 */
class ClassSyncTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    private SyncService service;
    private ClassSync sync;

    @BeforeEach
    void open() {
        service = new SyncService(Duration.ofSeconds(10));
        sync = service.open("ClassSyncTest", List.of(), new HostEvents());
    }

    @AfterEach
    void close() {
        sync.close();
        service.close();
    }

    @Test
    void aSyncNobodyElseComesToFailsAsTheApisSyncFailedExceptionNamingWhoIsMissing() {
        assertThatThrownBy(() -> sync.remsync("lonely", List.of("ghost"), SHORT))
                .isInstanceOf(SyncFailedException.class).isInstanceOf(MultiHostException.class)
                .hasMessageContaining("ghost")
                .satisfies(e -> assertThat(((SyncFailedException) e).result()).hasValueSatisfying(r -> {
                    assertThat(r.outcome()).isEqualTo(SyncOutcome.TIMED_OUT);
                    assertThat(r.state("ghost")).contains(SyncState.TIMED_OUT);
                }));
    }

    @Test
    void aFailedSyncIsAResultUntilItIsAskedToThrow() {
        SyncResult result = sync.sync(SyncRequest.to("quiet").with("ghost").timeout(SHORT).message("hello"));

        assertThat(result.success()).isFalse();
        assertThat(result.reason()).contains("ghost");
        assertThat(result.message()).hasValueSatisfying(m -> assertThat(m.text()).isEqualTo("hello"));
        assertThatThrownBy(result::orThrow).isInstanceOf(SyncFailedException.class).hasMessage(result.reason());
    }

    @Test
    void aNameTheServerRefusesIsAConfigurationExceptionNamingIt() {
        assertThatThrownBy(() -> sync.remsync("no spaces allowed", List.of("ghost"), SHORT))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[no spaces allowed]");
        assertThatThrownBy(() -> sync.status("no spaces allowed")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void anAbortedSyncFailsAsSyncAbortedExceptionWithTheReason() throws Exception {
        CompletableFuture<SyncResult> waiting = sync.syncAsync(SyncRequest.to("held").with("ghost")
                .timeout(Duration.ofSeconds(30)));

        sync.abort("the server part failed");

        SyncResult result = waiting.get(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(SyncOutcome.ABORTED);
        assertThatThrownBy(result::orThrow).isInstanceOf(SyncAbortedException.class)
                .hasMessageContaining("the server part failed");
        assertThatThrownBy(() -> sync.remsync("after", List.of("ghost"), SHORT))
                .isInstanceOf(SyncAbortedException.class).hasMessageContaining("the server part failed");
    }

    @Test
    void theStatusOfASyncpointIsEmptyBeforeAnyoneArrivedAndOpenWhileSomeoneWaits() throws Exception {
        assertThat(sync.status("later")).isEmpty();

        CompletableFuture<SyncResult> waiting = sync.syncAsync(SyncRequest.to("later").with("ghost")
                .timeout(Duration.ofSeconds(30)));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> sync.status("later").map(r -> r.outcome() == SyncOutcome.OPEN).orElse(false));
        assertThat(sync.status("later").orElseThrow().state("controller")).contains(SyncState.SYNCED_YES);
        sync.abort("done");
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS).orThrow()).isInstanceOf(SyncAbortedException.class);
    }

    @Test
    void anAsyncSyncThatCannotBeSentFailsItsFutureWithTheApisException() {
        sync.close();

        CompletableFuture<SyncResult> failed = sync.syncAsync(SyncRequest.to("closed").with("ghost").timeout(SHORT));

        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SyncFailedException.class);
    }

    @Test
    void keysAreSetReadComparedAndAwaitedThroughTheClusterState() throws Exception {
        ClusterState state = sync.clusterState();

        assertThat(state.get("db/url")).isEmpty();
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> state.waitKey("db/url", Duration.ofSeconds(30)));
        assertThat(state.set("db/url", "postgres://10.0.0.1/app")).isEqualTo(1);

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("postgres://10.0.0.1/app");
        assertThat(state.compareAndSet("db/url", "something else", "x")).isFalse();
        assertThat(state.compareAndSet("db/url", "postgres://10.0.0.1/app", "postgres://10.0.0.2/app")).isTrue();
        assertThat(state.compareAndSet("lock", null, "controller")).isTrue();
        assertThat(state.get("db/url")).contains("postgres://10.0.0.2/app");
    }

    @Test
    void clusterStateFailuresAreTheApisExceptionsWithTheServersSentence() {
        ClusterState state = sync.clusterState();

        assertThatThrownBy(() -> state.waitKey("never/set", SHORT)).isInstanceOf(SyncFailedException.class)
                .hasMessageContaining("never/set");
        assertThatThrownBy(() -> state.set("no spaces", "x")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[no spaces]");
        assertThatThrownBy(() -> state.waitReady(List.of("controller", "ghost"), SHORT))
                .isInstanceOf(SyncFailedException.class).isNotInstanceOf(SyncAbortedException.class)
                .hasMessageContaining("ghost");
    }

    @Test
    void waitReadyReturnsTheMembersStatesOnceEveryoneIsReadyAndAbortsAtOnceWhenOneFails() throws Exception {
        ClusterState state = sync.clusterState();
        state.writeState("running", "controller", "127.0.0.1");

        assertThat(state.waitReady(List.of("controller"), Duration.ofSeconds(10))).containsEntry("controller", "ready");
        state.writeState("failed", null, null);
        assertThatThrownBy(() -> state.waitFinish(List.of("controller"), Duration.ofSeconds(10)))
                .isInstanceOf(SyncAbortedException.class);
    }
}
