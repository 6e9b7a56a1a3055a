package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.engine.fixtures.SilentHostsProviderFactory;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Gathering hosts for a role with a quorum ({@code @Role(count, min)}), with hosts that do not answer:
 * powered off (connections refused at once) or mute (connections accepted, no word ever said).
 */
class GatherQuorumIT {

    private static final List<RoleDeclaration> FIVE_OR_THREE = List.of(new RoleDeclaration("node", 5, 3));

    @Test
    void aQuorumRoleStartsWithTheHostsThatAnswerOnceTheCountdownEnds() {
        try (HostPool pool = pool("5", "host-2,host-4", "1s")) {
            Instant start = Instant.now();

            try (HostLease lease = pool.lease("Quorum", FIVE_OR_THREE)) {
                assertThat(lease.hostNames()).containsExactly("host-1", "host-3", "host-5");
                assertThat(Duration.between(start, Instant.now())).as("the countdown")
                        .isBetween(Duration.ofMillis(900), Duration.ofSeconds(20));
            }
        }
    }

    @Test
    void aHostThatAcceptsConnectionsButNeverSpeaksIsLeftOutOnceItsProbeTimesOut() {
        Map<String, String> parameters = parameters("5", "host-2", "1s");
        parameters.put("multihost.test.mute", "host-4");
        int before = SilentHostsProviderFactory.MUTE_CONNECTIONS.get();
        try (HostPool pool = HostPool.create(HostSettings.from(parameters));
                HostLease lease = pool.lease("Quorum", FIVE_OR_THREE)) {
            assertThat(lease.hostNames()).containsExactly("host-1", "host-3", "host-5");
            // host-4's TCP connection was accepted: only the SSH handshake's timeout can have left it out.
            assertThat(SilentHostsProviderFactory.MUTE_CONNECTIONS.get()).as("connections host-4 accepted")
                    .isGreaterThan(before);
        }
    }

    @Test
    void hostsThatDoNotAnswerAreReplacedWhenTheProviderHasMore() {
        try (HostPool pool = pool("7", "host-2,host-4", "30s")) {
            Instant start = Instant.now();

            try (HostLease lease = pool.lease("Quorum", FIVE_OR_THREE)) {
                assertThat(lease.hostNames()).containsExactly("host-1", "host-3", "host-5", "host-6", "host-7");
                assertThat(Duration.between(start, Instant.now())).as("no countdown: the target was met")
                        .isLessThan(Duration.ofSeconds(20));
            }
        }
    }

    @Test
    void whenNothingMoreCanComeAQuorumRoleStartsAtOnceWithWhatItHas() {
        try (HostPool pool = pool("3", "", "30s")) {
            Instant start = Instant.now();

            try (HostLease lease = pool.lease("Quorum", FIVE_OR_THREE)) {
                assertThat(lease.hostNames()).containsExactly("host-1", "host-2", "host-3");
                assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aQuorumRoleWaitsForHostsAnotherClassReturnsDuringItsCountdown() throws Exception {
        try (HostPool pool = pool("5", "", "30s")) {
            HostLease first = pool.lease("First", List.of(new RoleDeclaration("node", 2, 2)));
            CompletableFuture<HostLease> second = CompletableFuture.supplyAsync(() -> pool.lease("Second", FIVE_OR_THREE));
            Thread.sleep(500);
            assertThat(second).as("it has its min of 3 but waits for 2 more").isNotDone();

            first.close();

            try (HostLease got = second.get(20, TimeUnit.SECONDS)) {
                assertThat(got.hostNames()).hasSize(5);
            }
        }
    }

    @Test
    void belowItsMinimumAQuorumRoleIsAbortedNamingTheHostsThatDidNotAnswer() {
        Map<String, String> parameters = parameters("5", "host-2,host-5", "1s");
        // host-4 accepts and never speaks: each probe of it ends only at the 2 s connect timeout.
        parameters.put("multihost.test.mute", "host-4");
        parameters.put("multihost.hosts.timeout", "5s");
        try (HostPool pool = HostPool.create(HostSettings.from(parameters))) {
            Instant start = Instant.now();

            assertThatThrownBy(() -> pool.lease("Short", FIVE_OR_THREE)).isInstanceOf(TestAbortedException.class)
                    .hasMessage("Class [Short] needs at least [3] hosts for role [node] (count [5]), but provider [silent]"
                            + " gave [2] [host-1, host-3]; hosts [host-2, host-4, host-5] did not answer within [5 s]."
                            + " Give the provider more hosts (see its multihost.* settings) or lower the role's min.");
            assertThat(Duration.between(start, Instant.now())).isBetween(Duration.ofMillis(4900), Duration.ofSeconds(30));
        }
    }

    private static HostPool pool(String maxHosts, String silent, String countdown) {
        return HostPool.create(HostSettings.from(parameters(maxHosts, silent, countdown)));
    }

    private static Map<String, String> parameters(String maxHosts, String silent, String countdown) {
        Map<String, String> parameters = new HashMap<>(Map.of("multihost.provider", "silent",
                "multihost.embedded.max-hosts", maxHosts, "multihost.test.silent", silent,
                "multihost.hosts.countdown", countdown, "multihost.connect.timeout", "2s"));
        return parameters;
    }
}
