package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API through real curl and raw sockets: tokens, refusals, and clients that misbehave. */
class HttpApiIT {

    private SyncServer server;
    private String token;
    private String url;

    private void start(SyncServerConfig config) {
        server = SyncServer.start(config);
        token = server.scope().endpoint().token();
        url = server.scope().endpoint().url().toString();
    }

    private void start() {
        start(SyncServerConfig.defaults());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void assertStillServes() throws Exception {
        Curl.Run r = Curl.curl(token, url + "/v1/health");
        assertThat(Curl.status(r)).as("%s", r).isEqualTo("200");
    }

    @Test
    void callsWithoutTheTokenOrWithAWrongOneAreRefusedWith401() throws Exception {
        start();
        Curl.Run none = Curl.curl(null, url + "/v1/health");
        assertThat(Curl.status(none)).isEqualTo("401");
        assertThat(none.out).contains("error=A valid token is required");
        Curl.Run wrong = Curl.curl(token.substring(1) + "x", url + "/v1/health");
        assertThat(Curl.status(wrong)).isEqualTo("401");
        Curl.Run other = Curl.curl(null, "-H", "X-MH-Token: " + token, url + "/v1/health");
        assertThat(Curl.status(other)).isEqualTo("200");
        assertThat(other.out).contains("ok=true");
    }

    @Test
    void theServerListensOnLoopbackOnlyByDefault() {
        start();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.port()).isPositive();
    }

    @Test
    void unknownPathsSyncpointsAndMethodsGetClear4xx() throws Exception {
        start();
        Curl.Run path = Curl.curl(token, url + "/v2/nothing");
        assertThat(Curl.status(path)).isEqualTo("404");
        assertThat(path.out).contains("the API lives under /v1");
        Curl.Run sp = Curl.curl(token, url + "/v1/sync/nobody-here");
        assertThat(Curl.status(sp)).isEqualTo("404");
        assertThat(sp.out).contains("Syncpoint [nobody-here] is not known");
        Curl.Run method = Curl.curl(token, "-X", "DELETE", url + "/v1/sync/x?as=a&with=b");
        assertThat(Curl.status(method)).isEqualTo("405");
        Curl.Run badName = Curl.curl(token, "-X", "POST", url + "/v1/sync/x?as=a&with=b%20c");
        assertThat(Curl.status(badName)).isEqualTo("400");
        assertThat(badName.out).contains("Participant name [b c] is not valid");
        Curl.Run badVote = Curl.curl(token, "-X", "POST", url + "/v1/sync/x?as=a&with=b&vote=maybe");
        assertThat(Curl.status(badVote)).isEqualTo("400");
        Curl.Run badTimeout = Curl.curl(token, "-X", "POST", url + "/v1/sync/x?as=a&with=b&timeout=soon");
        assertThat(Curl.status(badTimeout)).isEqualTo("400");
        assertThat(badTimeout.out).contains("Duration [soon]");
        Curl.Run bareTimeout = Curl.curl(token, "-X", "POST", url + "/v1/sync/x?as=a&with=b&timeout=30");
        assertThat(Curl.status(bareTimeout)).isEqualTo("400");
        assertThat(bareTimeout.out).contains("Duration [30] has no unit; write it as 500ms, 30s");
        Curl.Run negativeWait = Curl.curl(token, "-X", "POST", url + "/v1/sync/x?as=a&with=b&wait=-5s");
        assertThat(Curl.status(negativeWait)).isEqualTo("400");
        assertThat(negativeWait.out).contains("Duration [-5s] is negative");
        assertStillServes();
    }

    @Test
    void oversizedBodiesAndHeadersAreRefusedAndTheServerGoesOn(@TempDir Path dir) throws Exception {
        start();
        Path big = dir.resolve("big");
        Files.write(big, new byte[200_000]);
        Curl.Run body = Curl.curl(token, "-X", "PUT", "--data-binary", "@" + big, url + "/v1/kv/k?as=a");
        assertThat(Curl.status(body)).isEqualTo("413");
        assertThat(body.out).contains("over the limit of [65536] bytes");
        Curl.Run header = Curl.curl(token, "-H", "X-Junk: " + "j".repeat(40_000), url + "/v1/health");
        assertThat(Curl.status(header)).isEqualTo("431");
        assertStillServes();
    }

    @Test
    void aMessageOverOneKibibyteThroughCurlIsTruncatedAndFlagged() throws Exception {
        start();
        SyncClient b = server.scope().client("b");
        CompletableFuture<SyncResult> fb = CompletableFuture.supplyAsync(() -> b.sync(SyncRequest.to("m").with("a")
                .timeout(Duration.ofSeconds(20))));
        Curl.Run a = Curl.curl(token, "--data-binary", "y".repeat(1500), url + "/v1/sync/m?as=a&with=b&timeout=20s");
        assertThat(Curl.status(a)).isEqualTo("200");
        assertThat(a.out).contains("message.flags=sent,truncated").contains("message.length=1024");
        SyncMessage m = fb.get(10, TimeUnit.SECONDS).message().orElseThrow();
        assertThat(m.data()).hasSize(1024);
        assertThat(m.truncated()).isTrue();
        b.close();
    }

    @Test
    void malformedRequestsGet400AndTheirConnectionClosesWhileOthersAreServed() throws Exception {
        start();
        String[] bad = {
            "GARBAGE\r\n\r\n",
            "GET /v1/health HTTP/1.1\r\nBad Header\r\n\r\n",
            "GET /v1/health HTTP/2.0\r\n\r\n",
            "GET v1/health HTTP/1.1\r\n\r\n",
            "GET /v1/health?x=%zz HTTP/1.1\r\n\r\n",
            "POST /v1/kv/k HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            "POST /v1/kv/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "GET /v1/health HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "GET /v1/health HTTP/1.1\r\n folded: header\r\n\r\n",
            "BREW /v1/health HTTP/1.1\r\n\r\n",
        };
        for (String b : bad) {
            try (RawHttp raw = new RawHttp(server)) {
                String response = raw.send(b).response();
                assertThat(response).as("answer to %s", b).matches("(?s)HTTP/1.1 (400|501|505) .*error=.*");
                assertThat(raw.closedByServer()).as("closed after %s", b).isTrue();
            }
        }
        assertStillServes();
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        start();
        try (RawHttp raw = new RawHttp(server)) {
            raw.send(RawHttp.request("GET", "/v1/health", token, "") + RawHttp.request("GET", "/v1/kv/none", token, ""));
            assertThat(raw.response()).startsWith("HTTP/1.1 200");
            assertThat(raw.response()).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void aClientTooSlowToSendItsRequestGets408WhileAFastOneIsServed() throws Exception {
        start(SyncServerConfig.builder().requestTimeout(Duration.ofMillis(500)).build());
        try (RawHttp slow = new RawHttp(server)) {
            slow.send("POST /v1/sync/x?as=a&with=b HTTP/1.1\r\nHost: x\r\n");
            assertStillServes();
            String response = slow.response();
            assertThat(response).startsWith("HTTP/1.1 408").contains("was not complete within [500 ms]");
            assertThat(slow.closedByServer()).isTrue();
        }
        try (RawHttp slowBody = new RawHttp(server)) {
            slowBody.send("PUT /v1/kv/k HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 10\r\n\r\nabc");
            assertThat(slowBody.response()).startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        start(SyncServerConfig.builder().idleTimeout(Duration.ofMillis(500)).build());
        try (RawHttp idle = new RawHttp(server)) {
            idle.send(RawHttp.request("GET", "/v1/health", token, ""));
            assertThat(idle.response()).startsWith("HTTP/1.1 200");
            long start = System.nanoTime();
            assertThat(idle.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void threeThousandWaitingClientsNeedNoMoreThreadsAndOthersStillSyncFast() throws Exception {
        start();
        long threadsBefore = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("mh-sync")).count();
        List<RawHttp> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < 3000; i++) {
                RawHttp r = new RawHttp(server);
                r.send(RawHttp.request("GET", "/v1/events?after=999999&timeout=60s", token, ""));
                waiting.add(r);
            }
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.scope().connections() < 3000 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(server.scope().connections()).isGreaterThanOrEqualTo(3000);
            long threadsDuring = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("mh-sync")).count();
            assertThat(threadsDuring).isEqualTo(threadsBefore);
            try (SyncClient a = server.scope().client("a"); SyncClient b = server.scope().client("b")) {
                long start = System.nanoTime();
                CompletableFuture<SyncResult> fa = CompletableFuture.supplyAsync(() -> a.sync(SyncRequest.to("busy").with("b")
                        .timeout(Duration.ofSeconds(20))));
                assertThat(b.sync(SyncRequest.to("busy").with("a").timeout(Duration.ofSeconds(20))).success()).isTrue();
                assertThat(fa.get(10, TimeUnit.SECONDS).success()).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        } finally {
            for (RawHttp r : waiting) {
                r.close();
            }
        }
    }

    @Test
    void aKeyValueRoundTripsThroughCurlBinarySafe() throws Exception {
        start();
        Curl.Run set = Curl.curl(token, "-X", "PUT", "--data-binary", "line1\nline2 % \u00e9", url + "/v1/kv/app/config?as=a");
        assertThat(Curl.status(set)).isEqualTo("200");
        assertThat(set.out).contains("version=1");
        Curl.Run get = Curl.curl(token, url + "/v1/kv/app/config");
        assertThat(get.out).startsWith("line1\nline2 % \u00e9\n");
        Curl.Run cas = Curl.curl(token, "-X", "PUT", "--data-binary", "x", url + "/v1/kv/app/config?expect=wrong");
        assertThat(Curl.status(cas)).isEqualTo("412");
        byte[] value = server.scope().client("b").get("app/config").orElseThrow().value();
        assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("line1\nline2 % \u00e9");
    }
}
