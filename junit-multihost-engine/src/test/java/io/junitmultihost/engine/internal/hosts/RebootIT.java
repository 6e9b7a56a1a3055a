package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reboots of embedded hosts, awaited by boot id. */
class RebootIT {

    @Test
    void aRebootIsAwaitedUntilTheHostIsBackWithANewBootId() {
        try (HostPool pool = pool(Map.of("multihost.embedded.reboot-down-time", "300ms"));
                HostLease lease = pool.lease("reboot", List.of(new RoleDeclaration("node", 1, 1)))) {
            Host host = lease.cluster().hosts().get(0);
            String before = host.bootId();

            Reboot reboot = host.reboot();
            String after = reboot.awaitUp(Duration.ofSeconds(30));

            assertThat(reboot.oldBootId()).isEqualTo(before);
            assertThat(reboot.host()).isSameAs(host);
            assertThat(after).isNotEqualTo(before).matches("[0-9a-f-]{36}");
            assertThat(host.bootId()).as("the pooled connection works again").isEqualTo(after);
        }
    }

    @Test
    void aHostThatIsDownIsUnavailableAndComesBackAfterwards() {
        try (HostPool pool = pool(Map.of("multihost.embedded.reboot-down-time", "3s"));
                HostLease lease = pool.lease("down", List.of(new RoleDeclaration("node", 1, 1)))) {
            Host host = lease.cluster().hosts().get(0);
            Reboot reboot = host.reboot();
            waitUntilRefused(host);

            assertThatThrownBy(() -> host.exec(List.of("true"), Duration.ofSeconds(2)))
                    .isInstanceOf(HostUnavailableException.class).hasMessageContaining("host-1");
            assertThat(reboot.awaitUp(Duration.ofSeconds(30))).isNotEqualTo(reboot.oldBootId());
        }
    }

    @Test
    void aHostThatNeverGoesDownFailsTheWaitNamingHostPhaseAndWhatWasSeen() {
        try (HostPool pool = pool(Map.of("multihost.reboot.command", "true"));
                HostLease lease = pool.lease("never", List.of(new RoleDeclaration("node", 1, 1)))) {
            Host host = lease.cluster().hosts().get(0);
            Reboot reboot = host.reboot();
            Instant start = Instant.now();

            assertThatThrownBy(() -> reboot.awaitUp(Duration.ofSeconds(1))).isInstanceOf(RebootException.class)
                    .hasMessageContaining("Host [host-1] did not come back with a new boot id within [1 s]")
                    .hasMessageContaining("phase [REQUESTED: waiting for the host to go down]")
                    .hasMessageContaining("last seen [still on the old boot [" + reboot.oldBootId() + "]]")
                    .hasMessageContaining("may have failed or not be permitted");
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        }
    }

    private static void waitUntilRefused(Host host) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try {
                host.exec(List.of("true"), Duration.ofSeconds(2));
                Thread.sleep(50);
            } catch (HostUnavailableException e) {
                return;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("host-1 never went down");
    }

    private static HostPool pool(Map<String, String> parameters) {
        return HostPool.create(HostSettings.from(parameters));
    }
}
