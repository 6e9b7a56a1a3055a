package io.junitmultihost.engine.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Faults;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmInvocationException;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults on real OpenSSH lab hosts, each observed from the hosts' side: who reaches whom (a TCP
 * connect to sshd with bash's {@code /dev/tcp}), the measured loss and rate, a paused process
 * printing nothing; lifting leaves each host's ruleset exactly as it was, and a fault nobody lifts
 * ends on the host by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultsIT {

    private static final Duration LONG = Duration.ofMinutes(2);

    private VmTestHosts lab;
    private Host a;
    private Host b;
    private Host c;
    private Host d;
    private Faults faults;

    @BeforeAll
    void startHosts() {
        lab = VmTestHosts.lab(FaultsIT.class, 4);
        List<Host> hosts = lab.hosts();
        a = hosts.get(0);
        b = hosts.get(1);
        c = hosts.get(2);
        d = hosts.get(3);
        faults = lab.faults();
    }

    @AfterAll
    void stopHosts() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void liftWhatIsLeft() {
        faults.liftAll();
    }

    @Test
    void aPartitionCutsTheTwoSidesBothWaysAndSparesTheTestJvmsLinks() {
        try (Fault partition = faults.partition(List.of(a, b), List.of(c, d), LONG)) {
            assertThat(partition.description()).isEqualTo(a.name() + ", " + b.name() + " were partitioned from "
                    + c.name() + ", " + d.name());
            assertThat(reaches(a, b)).as("a reaches b, its own side").isTrue();
            assertThat(reaches(c, d)).as("c reaches d, its own side").isTrue();
            assertThat(reaches(a, c)).as("a reaches c").isFalse();
            assertThat(reaches(d, b)).as("d reaches b").isFalse();
            for (Host host : List.of(a, b, c, d)) {
                assertThat(host.exec("true").exitCode()).as("the test JVM reaches " + host.name()).isZero();
            }
            assertThat(faults.active()).containsExactly(partition);
        }
        assertThat(reaches(a, c)).as("a reaches c once lifted").isTrue();
        assertThat(reaches(d, b)).as("d reaches b once lifted").isTrue();
        assertThat(faults.active()).isEmpty();
    }

    @Test
    void aOneWayPartitionDropsOnlyWhatTheFirstSideSends() {
        try (Fault oneWay = faults.partitionOneWay(List.of(a), List.of(b), LONG)) {
            assertThat(oneWay.description()).isEqualTo(a.name() + " could not send to " + b.name());
            // A TCP connect needs both ways: a's SYN to b is dropped, and so is a's SYN-ACK to b.
            assertThat(reaches(a, b)).isFalse();
            assertThat(reaches(b, a)).isFalse();
            assertThat(a.execShell("nft list ruleset").stdout()).contains("daddr " + b.address() + " drop")
                    .doesNotContain("saddr " + b.address());
            assertThat(reaches(a, c)).isTrue();
        }
        assertThat(reaches(a, b)).isTrue();
    }

    @Test
    void aCutHostReachesNoOtherHostButTheTestJvmStillReachesIt() {
        try (Fault cut = faults.isolate(c, LONG)) {
            assertThat(reaches(c, a)).isFalse();
            assertThat(reaches(d, c)).isFalse();
            assertThat(reaches(a, b)).isTrue();
            assertThat(c.exec("true").exitCode()).isZero();
            assertThat(cut.hosts()).containsExactly(c.name());
        }
        assertThat(reaches(d, c)).isTrue();
    }

    @Test
    void liftingLeavesTheHostsOwnRulesExactlyAsTheyWere() {
        a.execShell("nft -f - <<'EOF'\ntable inet users_own {\n  chain input {\n    type filter hook input priority 0; policy accept;\n"
                + "    tcp dport 9999 drop\n  }\n}\nEOF", LONG).assertSuccess();
        try {
            String before = a.execShell("nft list ruleset").assertSuccess().stdout();
            assertThat(before).contains("table inet users_own");
            Fault partition = faults.partition(List.of(a), List.of(b), LONG);
            Fault loss = faults.loss(a, 10, LONG);
            Fault reset = faults.resetConnections(a, List.of(c), LONG);
            Fault bandwidth = faults.limitBandwidth(a, 10_000_000, LONG);
            String tcBefore = a.execShell("tc qdisc show dev eth0 root").stdout();
            String during = a.execShell("nft list ruleset").assertSuccess().stdout();
            assertThat(during).contains("table inet users_own").contains("junit_multihost_fault_");
            partition.close();
            reset.close();
            loss.close();
            bandwidth.close();
            assertThat(a.execShell("nft list ruleset").assertSuccess().stdout()).isEqualTo(before);
            assertThat(tcBefore).contains("tbf");
            assertThat(a.execShell("tc qdisc show dev eth0 root").stdout()).doesNotContain("tbf");
            assertThat(a.execShell("ls -A /run/junit-multihost-faults; ps -eo args | grep -c '[t]imer /run/junit-multihost-faults'")
                    .stdout().strip()).as("files and timers left").isEqualTo("0");
        } finally {
            a.execShell("nft delete table inet users_own");
        }
    }

    @Test
    void aFaultNobodyLiftsEndsOnTheHostByItself() {
        Fault cut = faults.isolate(b, Duration.ofSeconds(3));
        assertThat(reaches(a, b)).isFalse();
        await().atMost(Duration.ofSeconds(15)).until(() -> reaches(a, b));
        assertThat(b.execShell("nft list tables").stdout()).doesNotContain("junit_multihost_fault_");
        await().atMost(Duration.ofSeconds(10)).until(() -> !cut.isActive());
        assertThat(faults.active()).isEmpty();
    }

    @Test
    void aHostCutFromEveryoneTheTestJvmIncludedComesBackByItself() {
        Fault cut = faults.isolateCompletely(d, Duration.ofSeconds(4));
        assertThat(reaches(c, d)).isFalse();
        assertThatThrownBy(() -> d.exec(List.of("true"), Duration.ofSeconds(2))).isInstanceOf(MultiHostException.class)
                .hasMessageContaining("while " + d.name() + " was cut off from everyone, the test JVM included since ");
        await().atMost(Duration.ofSeconds(20)).until(() -> reaches(c, d));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(d.exec(List.of("true"), Duration.ofSeconds(5))
                .exitCode()).isZero());
        await().atMost(Duration.ofSeconds(10)).until(() -> !cut.isActive());
    }

    @Test
    void aRebootAwaitedInVainWhileAFaultIsInForceNamesTheFault() {
        try (Fault partition = faults.partition(List.of(b), List.of(c), LONG)) {
            Reboot reboot = b.reboot(RebootOptions.defaults().withoutCommand());
            try {
                assertThatThrownBy(() -> reboot.awaitUp(Duration.ofSeconds(2))).isInstanceOf(RebootException.class)
                        .hasMessageEndingWith(" while " + b.name() + " was partitioned from " + c.name() + " since "
                                + java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").format(
                                        java.time.LocalTime.ofInstant(partition.since(), java.time.ZoneId.systemDefault()))
                                + " (" + partition.id() + ").");
            } finally {
                reboot.cancel();
            }
        }
    }

    @Test
    void aResetRefusesConnectionsAtOnceRatherThanDroppingThem() {
        try (Fault reset = faults.resetConnections(a, List.of(b), LONG)) {
            var result = b.execShell("timeout 5 bash -c 'exec 3<>/dev/tcp/" + a.address() + "/22' 2>&1; echo \"exit=$?\"");
            assertThat(result.stdout()).contains("Connection refused").contains("exit=1");
            assertThat(result.duration()).isLessThan(Duration.ofSeconds(3));
            assertThat(reaches(c, a)).isTrue();
        }
        assertThat(reaches(b, a)).isTrue();
    }

    @Test
    void lossDropsAboutTheShareAskedEachWay() {
        try (Fault loss = faults.loss(a, 30, LONG)) {
            // A connect needs a's SYN-ACK out after the SYN came in: 0.7 x 0.7 = 49% make it.
            int made = 0;
            for (int round = 0; round < 2; round++) {
                String out = b.execShell("for i in $(seq 100); do (timeout 0.8 bash -c 'exec 3<>/dev/tcp/" + a.address()
                        + "/22' 2>/dev/null && echo made) & done; wait", LONG).stdout();
                made += (int) out.lines().filter("made"::equals).count();
            }
            assertThat(made).as("connects made of 200").isBetween(60, 140);
            assertThat(a.exec("true").exitCode()).as("the test JVM's link is spared").isZero();
        }
    }

    @Test
    void aBandwidthLimitSlowsWhatTheHostSendsToAboutTheRate() {
        long bits = 2_000_000;
        try (Fault limit = faults.limitBandwidth(b, bits, LONG)) {
            var result = b.exec(List.of("head", "-c", "600000", "/dev/zero"), LONG).assertSuccess();
            double rate = 600_000 * 8.0 / (result.duration().toMillis() / 1000.0);
            assertThat(rate).as("bit/s").isBetween(bits * 0.5, bits * 1.3);
        }
        var fast = b.exec(List.of("head", "-c", "600000", "/dev/zero"), LONG);
        assertThat(fast.duration()).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void aPausedProcessPrintsNothingUntilItResumes() throws Exception {
        HostProcess ticker = c.start("sh", "-c", "while true; do echo tick; sleep 0.1; done");
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> ticker.output().size() > 3);
            try (Fault pause = faults.pause(ticker, LONG)) {
                Thread.sleep(300);
                int paused = ticker.output().size();
                Thread.sleep(1500);
                assertThat(ticker.output().size()).as("lines printed while paused").isLessThanOrEqualTo(paused + 1);
                assertThat(pause.description()).contains("was paused");
            }
            int resumed = ticker.output().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> ticker.output().size() > resumed + 3);
        } finally {
            ticker.kill();
        }
    }

    @Test
    void aPausedJvmAnswersNothingUntilItResumes() {
        Vm vm = lab.vms().launch(d, 1, VmOptions.named("paused")).get(0);
        assertThat(vm.invoke(() -> "before", Duration.ofSeconds(30))).isEqualTo("before");
        try (Fault pause = faults.pause(vm, LONG)) {
            assertThat(pause.description()).isEqualTo("JVM " + vm.id() + " (pid " + vm.pid() + ") on " + d.name() + " was paused");
            assertThatThrownBy(() -> vm.invoke(() -> "while paused", Duration.ofSeconds(2)))
                    .isInstanceOf(VmInvocationException.class);
        }
        assertThat(vm.invoke(() -> "after", Duration.ofSeconds(30))).isEqualTo("after");
    }

    @Test
    void aPowerCutTurnsTheHostOffUntilItIsLifted() {
        String bootBefore = b.bootId();
        try (Fault cut = faults.powerCut(b, LONG)) {
            assertThat(reaches(a, b)).isFalse();
        }
        assertThat(b.bootId()).isNotEqualTo(bootBefore);
        assertThat(reaches(a, b)).isTrue();
    }

    @Test
    void everyImposedAndLiftedFaultIsAnEventOfTheRun() {
        Fault cut = faults.isolate(a, LONG);
        cut.close();
        List<Map<String, Object>> events = lab.events().stream().filter(e -> cut.id().equals(e.get("fault"))).toList();
        assertThat(events).extracting(e -> e.get("kind")).containsExactly("fault.imposed", "fault.lifted");
        assertThat(events.get(0)).containsEntry("host", a.name()).containsEntry("what", cut.description());
        assertThat(events.get(1)).containsEntry("by", "the test");
    }

    /** Whether {@code from} opens a TCP connection to {@code to}'s sshd within a second. */
    private static boolean reaches(Host from, Host to) {
        return from.exec(List.of("timeout", "1", "bash", "-c", "exec 3<>/dev/tcp/" + to.address() + "/22"), LONG)
                .exitCode() == 0;
    }
}
