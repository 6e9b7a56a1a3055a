package io.junitmultihost.engine.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmInvocationException;
import io.junitmultihost.api.VmOptions;
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
    void anEmbeddedHostRefusesNetworkFaultsSayingWhy() {
        try (VmTestHosts embedded = VmTestHosts.lease(FaultsOwnedByTheClassIT.class, 2, Map.of("multihost.provider", "embedded"))) {
            Host a = embedded.hosts().get(0);
            Host b = embedded.hosts().get(1);
            assertThatThrownBy(() -> embedded.faults().partition(List.of(a), List.of(b), LONG))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageStartingWith("Cannot impose a partition on host [" + a.name() + "]: an embedded host's commands"
                            + " run in this machine's own network");
            assertThat(embedded.faults().active()).isEmpty();
        }
    }

    @Test
    void aProcessOnAnEmbeddedHostPrintsNothingWhilePausedAndTheClassEndLiftsThePauseAndEndsIt() throws Exception {
        try (VmTestHosts embedded = VmTestHosts.lease(FaultsOwnedByTheClassIT.class, 1, Map.of("multihost.provider", "embedded"))) {
            Host a = embedded.hosts().get(0);
            HostProcess ticker = a.start("sh", "-c", "while :; do echo tick; sleep 0.1; done");
            await().atMost(Duration.ofSeconds(10)).until(() -> ticker.output().size() > 3);
            try (Fault pause = embedded.faults().pause(ticker, LONG)) {
                Thread.sleep(300);
                int paused = ticker.output().size();
                Thread.sleep(1000);
                assertThat(ticker.output().size()).as("lines printed while paused").isLessThanOrEqualTo(paused + 1);
            }
            int resumed = ticker.output().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> ticker.output().size() > resumed + 3);
            Fault again = embedded.faults().pause(ticker, LONG);

            embedded.endClass();

            assertThat(again.isActive()).isFalse();
            assertThat(ticker.isAlive()).isFalse();
        }
    }

    @Test
    void aJvmOnAnEmbeddedHostAnswersNothingWhilePausedAndAgainOnceItResumes() {
        try (VmTestHosts embedded = VmTestHosts.lease(FaultsOwnedByTheClassIT.class, 1, Map.of("multihost.provider", "embedded"))) {
            Vm vm = embedded.vms().launch(embedded.hosts().get(0), 1, VmOptions.named("paused")).get(0);
            assertThat(vm.invoke(() -> "before", Duration.ofSeconds(30))).isEqualTo("before");
            try (Fault pause = embedded.faults().pause(vm, LONG)) {
                assertThatThrownBy(() -> vm.invoke(() -> "while paused", Duration.ofSeconds(2)))
                        .isInstanceOf(VmInvocationException.class);
            }
            assertThat(vm.invoke(() -> "after", Duration.ofSeconds(30))).isEqualTo("after");
        }
    }
}
