package io.junitmultihost.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A host's token speaks for the host (and unreserved names), never for the controller or another host. */
class ParticipantTokensIT {

    private SyncServer server;
    private SyncScope scope;
    private String url;
    private String h1;

    @BeforeEach
    void start() {
        server = SyncServer.start();
        scope = server.openScope("TokensTest");
        scope.reserve("controller");
        url = scope.endpoint().url().toString();
        h1 = scope.participantEndpoint("h1").token();
        scope.participantEndpoint("h2");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Curl.Run post(String token, String target) throws Exception {
        return Curl.curl(token, "-X", "POST", url + target);
    }

    @Test
    void aHostsTokenSpeaksForItsHostAndForUnreservedNames() throws Exception {
        assertThat(Curl.status(post(h1, "/v1/join?as=h1"))).isEqualTo("200");
        assertThat(Curl.status(post(h1, "/v1/join"))).as("as= defaults to the token's participant").isEqualTo("200");
        assertThat(Curl.status(post(h1, "/v1/join?as=worker-2"))).isEqualTo("200");
        assertThat(Curl.status(post(h1, "/v1/cluster/state?as=h1&state=started"))).isEqualTo("200");
        assertThat(Curl.status(Curl.curl(h1, "-X", "PUT", "--data-binary", "v", url + "/v1/kv/k?as=h1"))).isEqualTo("200");
        assertThat(scope.participantEndpoint("h1").token()).isEqualTo(h1);
    }

    @Test
    void aHostsTokenCannotSpeakAsTheControllerOrAnotherHost() throws Exception {
        for (String as : new String[] {"controller", "h2"}) {
            Curl.Run sync = post(h1, "/v1/sync/x?as=" + as + "&with=h1&timeout=1s");
            assertThat(Curl.status(sync)).as("%s", sync).isEqualTo("403");
            assertThat(sync.out).contains("The token of [h1] cannot speak as [" + as + "]");
            assertThat(Curl.status(post(h1, "/v1/abort?as=" + as + "&reason=x"))).isEqualTo("403");
            assertThat(Curl.status(post(h1, "/v1/leave?as=" + as))).isEqualTo("403");
            assertThat(Curl.status(Curl.curl(h1, "-X", "PUT", "--data-binary", "v", url + "/v1/kv/k?as=" + as))).isEqualTo("403");
        }
        Curl.Run members = post(h1, "/v1/cluster/members?with=h1");
        assertThat(Curl.status(members)).isEqualTo("403");
        assertThat(members.out).contains("Only the scope's own token");
        assertThat(scope.participant("controller")).isEmpty();
    }

    @Test
    void anAbortWithAHostsTokenIsRecordedAsThatHost() throws Exception {
        assertThat(Curl.status(post(h1, "/v1/abort?reason=disk+full"))).isEqualTo("200");
        assertThat(scope.events(0)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(SyncEventType.ABORTED);
            assertThat(e.participant()).isEqualTo("h1");
        });
    }

    @Test
    void theScopesOwnTokenStillSpeaksForEveryone() throws Exception {
        String whole = scope.endpoint().token();
        assertThat(Curl.status(post(whole, "/v1/join?as=h2"))).isEqualTo("200");
        assertThat(Curl.status(post(whole, "/v1/cluster/members?with=h1,h2"))).isEqualTo("200");
        try (SyncClient controller = scope.client("controller")) {
            controller.join(Duration.ZERO);
        }
    }

    @Test
    void aParticipantTokenWithAWrongSecretOrOfAClosedScopeIsRefused() throws Exception {
        assertThat(Curl.status(Curl.curl(h1 + "x", url + "/v1/health"))).isEqualTo("401");
        assertThat(Curl.status(Curl.curl(h1.substring(0, h1.indexOf('.') + 1), url + "/v1/health"))).isEqualTo("401");
        assertThat(Curl.status(Curl.curl(h1, url + "/v1/health"))).isEqualTo("200");
        scope.close();
        assertThat(Curl.status(Curl.curl(h1, url + "/v1/health"))).isEqualTo("401");
    }

    @Test
    void aScopeTokenOfTheCallersChoosingMayHoldTheParticipantTokenMark() throws Exception {
        try (SyncServer dotted = SyncServer.start(SyncServerConfig.builder().token("my.own.token.with.dots").build())) {
            String at = dotted.scope().endpoint().url().toString();
            assertThat(Curl.status(Curl.curl("my.own.token.with.dots", at + "/v1/health"))).isEqualTo("200");
            assertThat(Curl.status(Curl.curl("my.own.token.with.dotz", at + "/v1/health"))).isEqualTo("401");
        }
    }
}
