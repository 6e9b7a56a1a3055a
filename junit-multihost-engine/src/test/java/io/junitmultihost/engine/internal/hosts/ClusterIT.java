package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.RemoteCommandException;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fan-out over embedded hosts. */
class ClusterIT {

    private static HostPool pool;
    private static HostLease lease;
    private static Cluster cluster;

    @BeforeAll
    static void leaseHosts() {
        pool = HostPool.create(HostSettings.from(Map.of()));
        lease = pool.lease(ClusterIT.class.getName(),
                List.of(new RoleDeclaration("server", 1, 1), new RoleDeclaration("client", 3, 3)));
        cluster = lease.cluster();
    }

    @AfterAll
    static void returnHosts() {
        lease.close();
        pool.close();
    }

    @Test
    void onAllReturnsEveryHostsResultKeyedByNameInOrder() {
        Map<String, String> names = cluster.onAll(h -> h.exec("sh", "-c", "echo $0", h.name()).stdout().strip(),
                Duration.ofSeconds(30));

        assertThat(names).containsExactly(Map.entry("host-1", "host-1"), Map.entry("host-2", "host-2"),
                Map.entry("host-3", "host-3"), Map.entry("host-4", "host-4"));
    }

    @Test
    void onRoleRunsInParallelOnTheRolesHostsOnly() {
        CountDownLatch allStarted = new CountDownLatch(3);

        Map<String, long[]> spans = cluster.onRole("client", h -> {
            long start = hostClock(h);
            // Each call waits here until every host's call has started: one after the other, the first never would.
            allStarted.countDown();
            try {
                assertThat(allStarted.await(20, TimeUnit.SECONDS)).as("every host's call started").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new long[] {start, hostClock(h)};
        }, Duration.ofSeconds(30));

        assertThat(spans).containsOnlyKeys("host-2", "host-3", "host-4");
        long lastStart = spans.values().stream().mapToLong(s -> s[0]).max().orElseThrow();
        long firstEnd = spans.values().stream().mapToLong(s -> s[1]).min().orElseThrow();
        assertThat(lastStart).as("every host's call ran at one moment, as the hosts' clocks recorded").isLessThan(firstEnd);
    }

    /** The host's own clock, in nanoseconds since the epoch. */
    private static long hostClock(Host host) {
        return Long.parseLong(host.exec("date", "+%s%N").assertSuccess().stdout().strip());
    }

    @Test
    void oneHostsFailureDoesNotCancelTheOthersAndEveryFailedHostIsNamed() {
        assertThatThrownBy(() -> cluster.onAll(h -> h.exec("sh", "-c",
                h.name().equals("host-1") || h.name().equals("host-3") ? "exit 4" : "true").assertSuccess(),
                Duration.ofSeconds(30)))
                .isInstanceOf(MultiHostException.class)
                .hasMessageStartingWith("The call failed on [2] of [4] hosts [host-1, host-3]: [host-1]")
                .hasCauseInstanceOf(RemoteCommandException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    }

    @Test
    void aCallThatOutlivesTheFanOutDeadlineFailsNamingTheHostInAboutTheDeadline() {
        Instant start = Instant.now();

        assertThatThrownBy(() -> cluster.onRole("server", h -> h.exec(List.of("sleep", "20"), Duration.ofSeconds(3)),
                Duration.ofSeconds(1)))
                .isInstanceOf(MultiHostException.class)
                .hasMessageContaining("[host-1]").hasMessageContaining("did not finish within [1 s]");
        // The sleep is ended by the transport at its own 3 s deadline; no interrupt cuts that short.
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void rolesAndHostsAreLookedUpByNameWithClearErrors() {
        assertThat(cluster.role("client")).extracting(Host::name).containsExactly("host-2", "host-3", "host-4");
        assertThat(cluster.host("host-3").roles()).containsExactly("client");
        assertThatThrownBy(() -> cluster.role("db")).isInstanceOf(ConfigurationException.class)
                .hasMessage("This test has no role [db]; its roles are [server, client]. Declare the role with @Role on the class.");
        assertThatThrownBy(() -> cluster.host("nope")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[nope]").hasMessageContaining("[host-1, host-2, host-3, host-4]");
    }
}
