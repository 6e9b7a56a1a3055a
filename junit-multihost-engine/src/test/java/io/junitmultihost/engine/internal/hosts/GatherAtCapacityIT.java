package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A quorum role ({@code @Role(count, min)}) that asks for more hosts than the provider can ever
 * give it goes on as soon as it has them all, with an INFO line saying why, instead of waiting
 * out {@code multihost.hosts.countdown} for hosts that cannot come; where more can still come (a
 * host another class holds that could serve it), it still waits. On embedded hosts.
 */
class GatherAtCapacityIT {

    private static final Duration COUNTDOWN = Duration.ofSeconds(30);

    @Test
    void aRoleAskingForMoreThanTheProviderCanEverGiveStartsAtOnceWithAllItCanGive() {
        try (HostPool pool = pool("embedded", "2")) {
            Instant start = Instant.now();

            try (HostLease lease = pool.lease("Rolling", List.of(new RoleDeclaration("db", 1, 1),
                    new RoleDeclaration("app", 2, 1)))) {
                assertThat(lease.hostNames()).containsExactly("host-1", "host-2");
                assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aRoleWithEveryHostThatCanServeItStartsAtOnceThoughOtherClassesHoldHostsOfOtherRoles() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (HostPool pool = pool("role-bound", "3");
                HostLease db = pool.lease("Db", List.of(new RoleDeclaration("db", 1, 1)))) {
            Instant start = Instant.now();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (HostLease app = pool.lease("Apps", List.of(new RoleDeclaration("app", 3, 1)))) {
                System.setErr(err);
                assertThat(app.hostNames()).containsExactly("host-2", "host-3");
                assertThat(Duration.between(start, Instant.now())).as("not the countdown: host-1 can never serve app")
                        .isLessThan(Duration.ofSeconds(5));
            } finally {
                System.setErr(err);
            }
            assertThat(db.hostNames()).containsExactly("host-1");
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        err.print(logged);
        assertThat(logged).contains("INFO io.junitmultihost.engine.internal.hosts.HostPool - Class [Apps] starts role [app]"
                + " with [2] of [3] hosts (min [1]): provider [role-bound] can give it at most [2], so no more can come.");
    }

    @Test
    void aRoleStillWaitsForAHostAnotherClassHoldsThatCouldServeIt() throws Exception {
        try (HostPool pool = pool("role-bound", "3")) {
            HostLease first = pool.lease("First", List.of(new RoleDeclaration("app", 1, 1)));
            CompletableFuture<HostLease> second = CompletableFuture.supplyAsync(
                    () -> pool.lease("Second", List.of(new RoleDeclaration("app", 3, 1))));
            Thread.sleep(1500);
            assertThat(second).as("it has 1 of the 2 app hosts and waits for the other").isNotDone();

            first.close();

            try (HostLease got = second.get(20, TimeUnit.SECONDS)) {
                assertThat(got.hostNames()).hasSize(2);
            }
        }
    }

    private static HostPool pool(String provider, String maxHosts) {
        return HostPool.create(HostSettings.from(Map.of("multihost.provider", provider,
                "multihost.embedded.max-hosts", maxHosts, "multihost.hosts.countdown", COUNTDOWN.toSeconds() + "s")));
    }
}
