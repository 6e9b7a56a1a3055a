package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The client never hangs: a server that goes away or was never there is a clear failure. */
class ClientDeadlineTest {

    @Test
    void aServerThatStopsWhileAClientWaitsFailsTheCallAtOnce() throws Exception {
        SyncServer server = SyncServer.start();
        try (SyncClient a = server.scope().client("a")) {
            CompletableFuture<SyncResult> waiting = CompletableFuture.supplyAsync(
                    () -> a.sync(SyncRequest.to("x").with("b").timeout(Duration.ofSeconds(60))));
            Thread.sleep(300);
            long start = System.nanoTime();
            server.close();
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SyncException.class)
                    .hasMessageContaining("sync server [127.0.0.1:" + server.port() + "]");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aServerThatIsNotThereIsNamedWithWhatToCheck() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SyncClient a = SyncClient.connect(SyncEndpoint.of("http://127.0.0.1:" + port, "some-token-value-123"), "a")) {
            assertThatThrownBy(() -> a.sync(SyncRequest.to("x").with("b").timeout(Duration.ofSeconds(5))))
                    .isInstanceOf(SyncException.class)
                    .hasMessageContaining("Could not connect to the sync server [127.0.0.1:" + port + "]")
                    .hasMessageContaining("check MH_SYNC_URL and the port forward");
        }
    }

    @Test
    void theEndpointNeverShowsItsToken() {
        SyncEndpoint e = SyncEndpoint.of("http://127.0.0.1:1234", "s3cr3t-token-value");
        assertThat(e.toString()).doesNotContain("s3cr3t").contains("***");
        assertThat(SyncClient.connect(e, "a").toString()).doesNotContain("s3cr3t");
        assertThat(SyncServerConfig.builder().token("s3cr3t-token-value").build().toString()).doesNotContain("s3cr3t");
    }
}
