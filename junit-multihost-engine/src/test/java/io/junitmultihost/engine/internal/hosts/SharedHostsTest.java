package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Two launcher sessions (two pools) in one JVM stand for two runs sharing an inventory: leased hosts
 * are busy for the other, through lock files or ZooKeeper (an in-process server). The hosts are at
 * addresses never connected to; the two-JVM tests on lab hosts are {@link FleetOfRunsIT}.
 */
class SharedHostsTest {

    private static final List<RoleDeclaration> TWO_NODES = List.of(new RoleDeclaration("node", 2, 2));
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void aHostAnotherRunHoldsIsBusyAndTheMessageNamesWhoHoldsIt() throws Exception {
        Map<String, String> settings = fleet(Map.of("multihost.leases.directory", dir.resolve("leases").toString()));
        try (HostPool first = pool(settings); HostPool second = pool(settings)) {
            HostLease held = first.lease("FirstRun", TWO_NODES);

            assertThatThrownBy(() -> second.lease("SecondRun", TWO_NODES)).isInstanceOf(TestAbortedException.class)
                    .hasMessageContaining("Class [SecondRun] needs at least [2] hosts for role [node]")
                    .hasMessageContaining("while hosts [fleet-1 (this JVM (another launcher session): pid " + PID)
                    .hasMessageContaining("class [FirstRun], since")
                    .hasMessageContaining("were leased to other test runs within [1 s]");

            held.close();
            try (HostLease second2 = second.lease("SecondRun", TWO_NODES)) {
                assertThat(second2.hostNames()).containsExactly("fleet-1", "fleet-2");
            }
        }
    }

    @Test
    void aRunTakesTheFreeHostsOfTheFleetPastThoseAnotherRunHolds() throws Exception {
        Map<String, String> settings = fleet(Map.of("multihost.leases.directory", dir.resolve("leases").toString()));
        try (HostPool first = pool(settings); HostPool second = pool(settings);
                HostLease one = first.lease("FirstRun", List.of(new RoleDeclaration("node", 1, 1)));
                HostLease two = second.lease("SecondRun", List.of(new RoleDeclaration("node", 1, 1)))) {
            assertThat(one.hostNames()).containsExactly("fleet-1");
            assertThat(two.hostNames()).containsExactly("fleet-2");
        }
    }

    @Test
    void aLockFileSaysWhoHoldsTheHostAndIsEmptiedWhenItIsGivenBack() throws Exception {
        Path leases = dir.resolve("leases");
        try (HostPool pool = pool(fleet(Map.of("multihost.leases.directory", leases.toString())))) {
            HostLease lease = pool.lease("Holder", TWO_NODES);
            Path lockFile = leases.resolve("tester@192.0.2.1%3A22.lock");
            assertThat(Files.readString(lockFile)).startsWith("pid " + PID + " on [").contains("class [Holder], since");
            lease.close();
            assertThat(lockFile).isEmptyFile();
        }
    }

    @Test
    void hostsThatAreTheRunsAloneAreNotLeasedAcrossProcesses() {
        Path leases = dir.resolve("leases");
        try (HostPool pool = pool(Map.of("multihost.provider", "embedded", "multihost.leases.directory", leases.toString()));
                HostLease lease = pool.lease("Embedded", List.of(new RoleDeclaration("node", 1, 1)))) {
            assertThat(lease.hostNames()).hasSize(1);
            assertThat(leases).doesNotExist();
        }
    }

    @Test
    void twoRunsOnOneZooKeeperEnsembleNeverHoldOneHost() throws Exception {
        try (TestingServer zookeeper = new TestingServer(true)) {
            Map<String, String> settings = fleet(Map.of("multihost.leases.zookeeper", zookeeper.getConnectString()));
            try (HostPool first = pool(settings); HostPool second = pool(settings)) {
                HostLease held = first.lease("FirstRun", TWO_NODES);

                assertThatThrownBy(() -> second.lease("SecondRun", TWO_NODES)).isInstanceOf(TestAbortedException.class)
                        .hasMessageContaining("while hosts [fleet-1 (pid " + PID + " on [")
                        .hasMessageContaining("class [FirstRun], since")
                        .hasMessageContaining("were leased to other test runs within [1 s]");

                held.close();
                // The node is deleted in the background: the second run sees it go within its hosts timeout.
                try (HostLease got = second.lease("SecondRun", TWO_NODES)) {
                    assertThat(got.hostNames()).containsExactly("fleet-1", "fleet-2");
                }
            }
        }
    }

    @Test
    void anUnreachableZooKeeperFailsTheRunWithinTheConnectTimeout() throws Exception {
        int port = InstanceSpec.getRandomPort();
        Map<String, String> settings = fleet(Map.of("multihost.leases.zookeeper", "127.0.0.1:" + port,
                "multihost.leases.zookeeper.connect-timeout", "1s"));

        assertThatThrownBy(() -> pool(settings)).isInstanceOf(ConfigurationException.class)
                .hasMessage("The ZooKeeper ensemble [127.0.0.1:" + port + "] (multihost.leases.zookeeper) did not answer within"
                        + " [1 s], so no inventory host can be leased and no test that needs one runs. Start the ensemble or"
                        + " check that this machine reaches it, or unset [multihost.leases.zookeeper] to lease hosts on this"
                        + " machine only.");
    }

    @Test
    void aLostZooKeeperConnectionStopsTheClassesWorkAndFailsIt() throws Exception {
        File data = Files.createDirectory(dir.resolve("zookeeper")).toFile();
        // A short tick lets the session time out in a couple of seconds (ZooKeeper allows 2 to 20 ticks).
        InstanceSpec spec = new InstanceSpec(data, InstanceSpec.getRandomPort(), -1, -1, true, 1, 200, 100);
        try (TestingServer zookeeper = new TestingServer(spec, true)) {
            Map<String, String> settings = fleet(Map.of("multihost.leases.zookeeper", zookeeper.getConnectString(),
                    "multihost.leases.zookeeper.session-timeout", "3s", "multihost.leases.zookeeper.connect-timeout", "1s"));
            try (HostPool pool = pool(settings)) {
                HostLease lease = pool.lease("Holder", TWO_NODES);

                zookeeper.stop();

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(lease::checkHeld)
                        .isInstanceOf(HostUnavailableException.class)
                        .hasMessageStartingWith("Infrastructure: Class [Holder] lost its lease of hosts [fleet-1, fleet-2]: the connection to"
                                + " ZooKeeper [" + zookeeper.getConnectString() + "] was lost at about "));
                await().atMost(Duration.ofSeconds(10)).until(() -> lease.started().isClosed());
                assertThatThrownBy(lease::close).isInstanceOf(HostUnavailableException.class)
                        .hasMessageContaining("other runs may have used the hosts since")
                        .hasMessageEndingWith("Its work on them was stopped and it fails; run it again once the lease service is back.");
                assertThatThrownBy(() -> pool.lease("Next", TWO_NODES)).isInstanceOf(HostUnavailableException.class)
                        .hasMessageStartingWith("Infrastructure: Could not lease host [tester@192.0.2.1:22] through ZooKeeper [")
                        .hasMessageContaining("No test runs on a host it did not lease");
            }
        }
    }

    private Map<String, String> fleet(Map<String, String> more) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("multihost.hosts.timeout", "1s"));
        settings.putAll(more);
        return Fleets.inventoryOf(Fleets.unreachable(2, dir), dir.resolve("fleet"), settings);
    }

    private static HostPool pool(Map<String, String> settings) {
        return HostPool.create(HostSettings.from(settings));
    }

}
