package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a client without the token can cost the server: one head's worth of reading, for a short while, in a pool of its own. */
class PreAuthenticationIT {

    private SyncServer server;
    private String token;

    private void start(SyncServerConfig config) {
        server = SyncServer.start(config);
        token = server.scope().endpoint().token();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRequestWithoutTheTokenIsRefusedRightAfterItsHeadWithoutAContinueOrReadingItsBody() throws Exception {
        start(SyncServerConfig.defaults());
        try (RawHttp raw = new RawHttp(server)) {
            raw.send("PUT /v1/kv/k?as=a HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\nExpect: 100-continue\r\n\r\n");
            String response = raw.response();
            assertThat(response).startsWith("HTTP/1.1 401").contains("error=A valid token is required");
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawHttp wrong = new RawHttp(server)) {
            wrong.send("PUT /v1/kv/k?as=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\nContent-Length: 60000\r\n\r\n");
            assertThat(wrong.response()).startsWith("HTTP/1.1 401");
            assertThat(wrong.closedByServer()).isTrue();
        }
    }

    @Test
    void aRequestWithTheTokenStillGetsItsContinue() throws Exception {
        start(SyncServerConfig.defaults());
        try (RawHttp raw = new RawHttp(server)) {
            raw.send("PUT /v1/kv/k?as=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.response()).startsWith("HTTP/1.1 100 Continue");
            raw.send("abc");
            assertThat(raw.response()).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aConnectionThatNeverAuthenticatesIsClosedWithinTheShortAuthenticationDeadline() throws Exception {
        start(SyncServerConfig.defaults());
        try (RawHttp silent = new RawHttp(server)) {
            // The socket reads for 10 s; the idle timeout (5 min) would keep it open far longer.
            assertThat(silent.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionsWithoutTheTokenCannotLockOutThoseWithIt() throws Exception {
        start(SyncServerConfig.builder().maxConnections(5).build());
        List<RawHttp> squatters = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                squatters.add(new RawHttp(server));
            }
            try (RawHttp legit = new RawHttp(server)) {
                legit.send(RawHttp.request("GET", "/v1/health", token, ""));
                assertThat(legit.response()).startsWith("HTTP/1.1 200");
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.scope().connections() <= 10);
        } finally {
            for (RawHttp s : squatters) {
                s.close();
            }
        }
    }

    @Test
    void authenticatedConnectionsOverTheLimitGet503AndTheOthersKeepWorking() throws Exception {
        start(SyncServerConfig.builder().maxConnections(5).build());
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                RawHttp h = new RawHttp(server);
                h.send(RawHttp.request("GET", "/v1/health", token, ""));
                assertThat(h.response()).startsWith("HTTP/1.1 200");
                held.add(h);
            }
            try (RawHttp extra = new RawHttp(server)) {
                extra.send(RawHttp.request("GET", "/v1/health", token, ""));
                assertThat(extra.response()).startsWith("HTTP/1.1 503").contains("too many connections");
            }
            RawHttp first = held.get(0);
            first.send(RawHttp.request("GET", "/v1/health", token, ""));
            assertThat(first.response()).startsWith("HTTP/1.1 200");
        } finally {
            for (RawHttp h : held) {
                h.close();
            }
        }
    }

    @Test
    void theKeyStoreRefusesValuesPastItsByteLimitNamingTheLimit() throws Exception {
        start(SyncServerConfig.defaults());
        String value = "v".repeat(60_000);
        String refusal = null;
        try (RawHttp raw = new RawHttp(server)) {
            for (int i = 0; i < 600 && refusal == null; i++) {
                raw.send(RawHttp.request("PUT", "/v1/kv/k" + i + "?as=a", token, value));
                String response = raw.response();
                if (!response.startsWith("HTTP/1.1 200")) {
                    refusal = response;
                }
            }
        }
        assertThat(refusal).as("a refusal within 600 values of 60 KB").isNotNull()
                .startsWith("HTTP/1.1 413").contains("maxKeyBytes").contains("[" + SyncServerConfig.DEFAULT_MAX_KEY_BYTES + "]");
    }
}
