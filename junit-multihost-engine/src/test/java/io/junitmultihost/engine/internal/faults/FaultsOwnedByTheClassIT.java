package io.junitmultihost.engine.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Faults belong to the class that imposed them: they end with it; and hosts that cannot take one say so. */
class FaultsOwnedByTheClassIT {

    private static final Duration LONG = Duration.ofMinutes(2);

    @Test
    void theFaultsOfAClassAreLiftedWhenTheClassEnds() {
        try (VmTestHosts lab = VmTestHosts.lab(FaultsOwnedByTheClassIT.class, 2)) {
            Host a = lab.hosts().get(0);
            Host b = lab.hosts().get(1);
            String before = a.execShell("nft list ruleset").assertSuccess().stdout();
            Fault partition = lab.faults().partition(List.of(a), List.of(b), LONG);
            assertThat(a.execShell("nft list ruleset").stdout()).contains("junit_multihost_fault_");

            lab.endClass();

            assertThat(partition.isActive()).isFalse();
            Host again = lab.leaseAgain("a later class");
            assertThat(again.execShell("nft list ruleset").assertSuccess().stdout()).isEqualTo(before);
            assertThat(lab.events()).filteredOn(e -> partition.id().equals(e.get("fault")) && "fault.lifted".equals(e.get("kind")))
                    .extracting(e -> e.get("by")).containsOnly("the class's end");
        }
    }

    @Test
    void aLabHostHandedToTheNextClassHasNoFaultTableLeftEvenOneWhoseTimerARebootEnded() {
        try (VmTestHosts lab = VmTestHosts.lab(FaultsOwnedByTheClassIT.class, 1)) {
            Host a = lab.hosts().get(0);
            String before = a.execShell("nft list ruleset").assertSuccess().stdout();
            // What a fault leaves when a reboot of the lab host ended its timer and the test JVM died: its table.
            a.execShell("nft add table inet junit_multihost_fault_left_1 && tc qdisc replace dev eth0 root handle 4a4d: tbf"
                    + " rate 1mbit burst 3200 latency 200ms").assertSuccess();

            lab.endClass();

            Host again = lab.leaseAgain("a later class");
            assertThat(again.execShell("nft list ruleset").assertSuccess().stdout()).isEqualTo(before);
            assertThat(again.execShell("tc qdisc show dev eth0 root").stdout()).doesNotContain("tbf");
        }
    }

    @Test
    void anEmbeddedHostRefusesNetworkFaultsAndPausesSayingWhy() throws Exception {
        try (VmTestHosts embedded = VmTestHosts.lease(FaultsOwnedByTheClassIT.class, 2, Map.of("multihost.provider", "embedded"))) {
            Host a = embedded.hosts().get(0);
            Host b = embedded.hosts().get(1);
            assertThatThrownBy(() -> embedded.faults().partition(List.of(a), List.of(b), LONG))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageStartingWith("Cannot impose a partition on host [" + a.name() + "]: an embedded host's commands"
                            + " run in this machine's own network");
            assertThat(embedded.faults().active()).isEmpty();

            HostProcess sleeper = a.start("sleep", "5");
            assertThatThrownBy(() -> embedded.faults().pause(sleeper, LONG))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageStartingWith("Cannot impose a pause on host [" + a.name() + "]: an embedded host's processes"
                            + " run under nsenter");
            assertThat(sleeper.waitFor(Duration.ofSeconds(30)).exitCode()).as("it was never stopped").isZero();
        }
    }
}
