package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Leasing hosts of embedded providers to test classes. */
class HostPoolIT {

    private static final List<RoleDeclaration> ONE_NODE = List.of(new RoleDeclaration("node", 1, 1));

    @Test
    void twoClassesNeverHoldTheSameHost() {
        try (HostPool pool = pool(Map.of());
                HostLease first = pool.lease("First", ONE_NODE);
                HostLease second = pool.lease("Second", ONE_NODE)) {
            assertThat(first.hostNames()).containsExactly("host-1");
            assertThat(second.hostNames()).containsExactly("host-2");
        }
    }

    @Test
    void returnedHostsAreLeasedAgainRatherThanStartingNewOnes() {
        try (HostPool pool = pool(Map.of())) {
            pool.lease("First", ONE_NODE).close();
            try (HostLease second = pool.lease("Second", ONE_NODE)) {
                assertThat(second.hostNames()).containsExactly("host-1");
            }
        }
    }

    @Test
    void aClassWaitsForHostsAnotherClassHoldsAndGetsThemWhenTheyAreReturned() throws Exception {
        try (HostPool pool = pool(Map.of("multihost.embedded.max-hosts", "1", "multihost.hosts.timeout", "30s"))) {
            HostLease first = pool.lease("First", ONE_NODE);
            AtomicLong returnedAt = new AtomicLong();
            CompletableFuture<Long> grantedAt = new CompletableFuture<>();
            CompletableFuture<HostLease> second = new CompletableFuture<>();
            Thread asker = new Thread(() -> {
                try {
                    HostLease got = pool.lease("Second", ONE_NODE);
                    grantedAt.complete(System.nanoTime());
                    second.complete(got);
                } catch (RuntimeException e) {
                    grantedAt.completeExceptionally(e);
                    second.completeExceptionally(e);
                }
            }, "second-class");
            asker.setDaemon(true);
            asker.start();
            // The event: the second class is parked inside the pool, waiting for a host to be returned.
            await().atMost(Duration.ofSeconds(20)).until(() -> waitsInThePool(asker));
            assertThat(second).isNotDone();

            returnedAt.set(System.nanoTime());
            first.close();

            try (HostLease got = second.get(20, TimeUnit.SECONDS)) {
                assertThat(got.hostNames()).containsExactly("host-1");
                assertThat(grantedAt.get() - returnedAt.get()).as("granted after the first class returned the host")
                        .isPositive();
            }
        }
    }

    private static boolean waitsInThePool(Thread thread) {
        Thread.State state = thread.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                && Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getClassName().equals(HostPool.class.getName()));
    }

    @Test
    void aClassStillShortWhenTheHostsTimeoutEndsIsAbortedNamingWhoHoldsTheHosts() {
        try (HostPool pool = pool(Map.of("multihost.embedded.max-hosts", "1", "multihost.hosts.timeout", "1s"));
                HostLease first = pool.lease("First", ONE_NODE)) {
            Instant start = Instant.now();

            assertThatThrownBy(() -> pool.lease("Second", ONE_NODE)).isInstanceOf(TestAbortedException.class)
                    .hasMessage("Class [Second] needs at least [1] hosts for role [node] (count [1]), but provider"
                            + " [embedded] gave [0] [] while hosts [host-1] were leased to other classes within [1 s]."
                            + " Give the provider more hosts (see its multihost.* settings) or lower the role's min.");
            assertThat(Duration.between(start, Instant.now())).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
        }
    }

    @Test
    void rolesGetDistinctHostsAndAQuorumRoleTakesWhatIsLeft() {
        try (HostPool pool = pool(Map.of("multihost.embedded.max-hosts", "3"));
                HostLease lease = pool.lease("Quorum", List.of(new RoleDeclaration("db", 1, 1),
                        new RoleDeclaration("app", 5, 2)))) {
            assertThat(lease.describe()).isEqualTo("db=[host-1], app=[host-2, host-3]");
        }
    }

    @Test
    void anUnknownProviderIsAConfigurationErrorListingTheAvailableOnes() {
        assertThatThrownBy(() -> pool(Map.of("multihost.provider", "cloud")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("No host provider named [cloud] is on the class path; available: [")
                .hasMessageContaining("embedded");
    }

    @Test
    void aClosedPoolLeasesNothing() {
        HostPool pool = pool(Map.of());
        pool.close();

        assertThatThrownBy(() -> pool.lease("Late", ONE_NODE)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[Late]");
    }

    private static HostPool pool(Map<String, String> parameters) {
        return HostPool.create(HostSettings.from(parameters));
    }
}
