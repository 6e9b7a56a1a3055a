package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A provider that takes long to answer one class delays no other: the pool asks providers and
 * probes hosts outside its lock. The order of events shows it, not the clock.
 */
class SlowProviderIT {

    /** Generous: only a pool that waits for the slow answer (a deadlock here) comes near it. */
    private static final long STUCK_SECONDS = 30;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch slowAsked = new CountDownLatch(1);
    private final CountDownLatch answerSlow = new CountDownLatch(1);

    @Test
    void whileTheProviderTakesItsTimeForOneClassAnotherReturnsItsHostsAndAThirdLeasesFreeOnes() throws Exception {
        Map<String, String> parameters = Map.of("multihost.embedded.max-hosts", "3", "multihost.hosts.timeout", "60s");
        try (HostPool pool = HostPool.create(HostSettings.from(parameters), slowFor("slow", embedded(parameters)))) {
            HostLease first = pool.lease("First", List.of(new RoleDeclaration("node", 1, 1)));
            CompletableFuture<HostLease> slow = CompletableFuture.supplyAsync(
                    () -> pool.lease("Slow", List.of(new RoleDeclaration("slow", 1, 1))));
            assertThat(slowAsked.await(STUCK_SECONDS, TimeUnit.SECONDS)).as("the slow class asked the provider").isTrue();

            CompletableFuture.runAsync(() -> {
                first.close();
                events.add("First returned its hosts");
            }).get(STUCK_SECONDS, TimeUnit.SECONDS);
            HostLease second = CompletableFuture.supplyAsync(() -> {
                HostLease lease = pool.lease("Second", List.of(new RoleDeclaration("node", 2, 2)));
                events.add("Second leased " + lease.hostNames());
                return lease;
            }).get(STUCK_SECONDS, TimeUnit.SECONDS);
            answerSlow.countDown();

            try (HostLease slowLease = slow.get(STUCK_SECONDS, TimeUnit.SECONDS); second) {
                assertThat(events).containsExactly("Slow asked for hosts", "First returned its hosts",
                        "Second leased [host-1, host-2]", "Slow answered");
                assertThat(slowLease.hostNames()).as("a host Second does not hold").containsExactly("host-3");
            }
        }
    }

    private static HostProvider embedded(Map<String, String> parameters) {
        return ServiceLoader.load(HostProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals("embedded")).findFirst().orElseThrow().create(new ProviderConfig(parameters));
    }

    /** {@code provider}, answering for {@code role} only once the test lets it (a provider starting slow hosts). */
    private HostProvider slowFor(String role, HostProvider provider) {
        return new HostProvider() {
            @Override
            public List<HostSpec> hosts(String asked, int wanted, Set<String> busy, Duration deadline) {
                if (asked.equals(role)) {
                    events.add("Slow asked for hosts");
                    slowAsked.countDown();
                    try {
                        if (!answerSlow.await(STUCK_SECONDS, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("The test never let the slow provider answer.");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    List<HostSpec> hosts = provider.hosts(asked, wanted, busy, deadline);
                    events.add("Slow answered");
                    return hosts;
                }
                return provider.hosts(asked, wanted, busy, deadline);
            }

            @Override
            public int maxHosts() {
                return provider.maxHosts();
            }

            @Override
            public void close() {
                provider.close();
            }
        };
    }
}
