package io.junitmultihost.engine.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Faults;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.engine.internal.hosts.MustNotSkip;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on two real QEMU guests (qemu provider), each observed from the guests' side over their
 * own network (eth1, 10.0.3.x): who reaches whom (ping), the loss measured, a rate measured with
 * curl from the other guest. The guests' nft and tc impose partitions, loss, resets and limits;
 * {@code isolate} and {@code isolateCompletely} pull the guest's NICs through QEMU's
 * {@code set_link}, which the guest sees as a lost carrier. Lifting leaves each guest's ruleset and
 * queueing exactly as they were. One pair of guests for the whole class keeps it short: about 15 s
 * of boots under software emulation. Fails when QEMU cannot run here on CI or as root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuFaultsIT {

    private static final Duration LONG = Duration.ofMinutes(2);

    private VmTestHosts qemu;
    private Host a;
    private Host b;
    private Faults faults;

    @BeforeAll
    void startGuests() {
        MustNotSkip.requireQemu();
        qemu = VmTestHosts.lease(QemuFaultsIT.class, 2, Map.of("multihost.provider", "qemu", "multihost.qemu.max-hosts", "2",
                "multihost.hosts.timeout", "5m"));
        a = qemu.hosts().get(0);
        b = qemu.hosts().get(1);
        faults = qemu.faults();
    }

    @AfterAll
    void stopGuests() {
        if (qemu != null) {
            qemu.close();
        }
    }

    @AfterEach
    void liftWhatIsLeft() {
        faults.liftAll();
    }

    @Test
    void aPartitionCutsTheGuestsLanBothWaysAndSparesTheTestJvmsLinks() {
        String rulesA = ruleset(a);
        String rulesB = ruleset(b);
        assertThat(reaches(a, b)).as("a reaches b before").isTrue();
        try (Fault partition = faults.partition(List.of(a), List.of(b), LONG)) {
            assertThat(reaches(a, b)).as("a reaches b").isFalse();
            assertThat(reaches(b, a)).as("b reaches a").isFalse();
            assertThat(a.exec("true").exitCode()).as("the test JVM reaches a").isZero();
            assertThat(b.exec("true").exitCode()).as("the test JVM reaches b").isZero();
            assertThat(ruleset(a)).contains("junit_multihost_fault_").contains("ip daddr " + b.address() + " drop");
        }
        assertThat(reaches(a, b)).as("a reaches b once lifted").isTrue();
        assertThat(ruleset(a)).isEqualTo(rulesA);
        assertThat(ruleset(b)).isEqualTo(rulesB);
    }

    @Test
    void aOneWayPartitionDropsWhatTheFirstGuestSends() {
        try (Fault oneWay = faults.partitionOneWay(List.of(a), List.of(b), LONG)) {
            // A ping needs both ways: a's request to b is dropped, and so is a's reply to b.
            assertThat(reaches(a, b)).isFalse();
            assertThat(reaches(b, a)).isFalse();
            assertThat(ruleset(a)).contains("daddr " + b.address() + " drop").doesNotContain("saddr " + b.address());
            assertThat(ruleset(b)).doesNotContain("junit_multihost_fault_");
        }
        assertThat(reaches(b, a)).isTrue();
    }

    @Test
    void isolatePullsTheGuestsLanCableThroughQemuAndTheTestJvmStillReachesIt() {
        String rules = ruleset(a);
        try (Fault cut = faults.isolate(a, LONG)) {
            assertThat(a.execShell("cat /sys/class/net/eth1/carrier /sys/class/net/eth0/carrier").assertSuccess().stdout())
                    .as("the guest sees its LAN NIC lose its carrier, its other NIC keep it").isEqualTo("0\n1\n");
            assertThat(reaches(a, b)).as("a reaches b").isFalse();
            assertThat(reaches(b, a)).as("b reaches a").isFalse();
            assertThat(ruleset(a)).as("nothing in the guest changed").isEqualTo(rules);
            assertThat(cut.hosts()).containsExactly(a.name());
        }
        assertThat(a.execShell("cat /sys/class/net/eth1/carrier").stdout().strip()).isEqualTo("1");
        // The guest's kernel sends on a link whose carrier came back once its link watch ran: within a second.
        await().atMost(Duration.ofSeconds(10)).until(() -> reaches(b, a));
    }

    @Test
    void isolateCompletelyPullsBothCablesAndLiftingPutsThemBackAtOnce() {
        Fault cut = faults.isolateCompletely(b, LONG);
        assertThatThrownBy(() -> b.exec(List.of("true"), Duration.ofSeconds(2))).isInstanceOf(MultiHostException.class)
                .hasMessageContaining("while " + b.name() + " was cut off from everyone, the test JVM included since ");
        assertThat(reaches(a, b)).as("a reaches b").isFalse();
        long started = System.nanoTime();
        cut.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("lifted without the guest's answer").isLessThan(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> assertThat(b.exec(List.of("true"), Duration.ofSeconds(5)).exitCode()).isZero());
        await().atMost(Duration.ofSeconds(10)).until(() -> reaches(a, b));
    }

    @Test
    void aCableCutNobodyPutsBackIsPutBackByTheProviderAtItsEnd() {
        Fault cut = faults.isolateCompletely(a, Duration.ofSeconds(4));
        assertThat(reaches(b, a)).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> reaches(b, a));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> assertThat(a.exec(List.of("true"), Duration.ofSeconds(5)).exitCode()).isZero());
        await().atMost(Duration.ofSeconds(10)).until(() -> !cut.isActive());
    }

    @Test
    void aPulledCableStaysPulledOverAPowerCycleAsACableWould() {
        try (Fault cut = faults.isolate(b, LONG)) {
            String before = b.bootId();
            b.power().off(Duration.ofSeconds(30));
            b.power().on(Duration.ofMinutes(3));
            assertThat(b.bootId()).isNotEqualTo(before);
            assertThat(b.execShell("cat /sys/class/net/eth1/carrier").assertSuccess().stdout().strip())
                    .as("the new QEMU process got the cut at its start").isEqualTo("0");
            assertThat(reaches(a, b)).isFalse();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> reaches(a, b));
    }

    @Test
    void lossDropsAboutTheShareAskedEachWay() {
        try (Fault loss = faults.loss(a, 30, LONG)) {
            // An echo needs a's reply out after the request came in: 0.7 x 0.7 = 49% come back.
            String out = b.execShell("ping -q -c 100 -i 0.05 -W 2 " + a.address() + " 2>&1", LONG).stdout();
            Matcher received = Pattern.compile("(\\d+) packets received").matcher(out);
            assertThat(received.find()).as(out).isTrue();
            assertThat(Integer.parseInt(received.group(1))).as("echoes back of 100: " + out).isBetween(25, 75);
            assertThat(a.exec("true").exitCode()).as("the test JVM's link is spared").isZero();
        }
        assertThat(b.execShell("ping -q -c 20 -i 0.05 -W 2 " + a.address() + " 2>&1", LONG).stdout()).contains("20 packets received");
    }

    @Test
    void aResetRefusesConnectionsAtOnce() {
        try (Fault reset = faults.resetConnections(a, List.of(b), LONG)) {
            ExecResult result = b.execShell("timeout 5 nc " + a.address() + " 22 </dev/null 2>&1; echo \"exit=$?\"", LONG);
            assertThat(result.stdout()).contains("Connection refused");
            assertThat(result.duration()).isLessThan(Duration.ofSeconds(3));
        }
        assertThat(b.execShell("timeout 5 nc " + a.address() + " 22 </dev/null 2>&1 | head -c 4", LONG).stdout()).isEqualTo("SSH-");
    }

    @Test
    void aBandwidthLimitSlowsWhatTheGuestSendsToTheOtherGuestAndToTheTestJvm() {
        long bits = 1_000_000;
        a.execShell("mkdir -p /tmp/www && head -c 250000 /dev/zero > /tmp/www/file && httpd -p 8080 -h /tmp/www").assertSuccess();
        try {
            String rulesBefore = ruleset(a);
            String queuesBefore = a.execShell("tc qdisc show").stdout();
            try (Fault limit = faults.limitBandwidth(a, bits, LONG)) {
                double lan = download(b, a) * 8;
                assertThat(lan).as("bit/s from a to b over their LAN").isBetween(bits * 0.5, bits * 1.3);
                ExecResult toTestJvm = a.exec(List.of("head", "-c", "250000", "/dev/zero"), LONG).assertSuccess();
                double rate = 250_000 * 8.0 / (toTestJvm.duration().toMillis() / 1000.0);
                assertThat(rate).as("bit/s from a to the test JVM").isBetween(bits * 0.5, bits * 1.3);
            }
            assertThat(download(b, a) * 8).as("bit/s once lifted").isGreaterThan(bits * 3.0);
            assertThat(a.execShell("tc qdisc show").stdout()).isEqualTo(queuesBefore);
            assertThat(ruleset(a)).isEqualTo(rulesBefore);
        } finally {
            a.execShell("killall httpd");
        }
    }

    @Test
    void liftingLeavesTheGuestsOwnRulesExactlyAsTheyWere() {
        a.execShell("nft -f - <<'EOF'\ntable inet users_own {\n  chain input {\n    type filter hook input priority 0; policy accept;\n"
                + "    tcp dport 9999 drop\n  }\n}\nEOF", LONG).assertSuccess();
        try {
            String before = ruleset(a);
            assertThat(before).contains("table inet users_own");
            Fault partition = faults.partition(List.of(a), List.of(b), LONG);
            Fault loss = faults.loss(a, 10, LONG);
            Fault reset = faults.resetConnections(a, List.of(b), LONG);
            Fault cut = faults.isolate(a, LONG);
            assertThat(ruleset(a)).contains("table inet users_own").contains("junit_multihost_fault_");
            partition.close();
            cut.close();
            reset.close();
            loss.close();
            assertThat(ruleset(a)).isEqualTo(before);
            assertThat(a.execShell("ls -A /run/junit-multihost-faults; ps -o args | grep -c '[t]imer /run/junit-multihost-faults'")
                    .stdout().strip()).as("files and timers left").isEqualTo("0");
            await().atMost(Duration.ofSeconds(10)).until(() -> reaches(b, a));
        } finally {
            a.execShell("nft delete table inet users_own");
        }
    }

    @Test
    void aUserWithPasswordlessSudoImposesAndLiftsAPartitionAndACut(@TempDir Path dir) throws IOException {
        String rules = ruleset(a);
        // The same guests, reached as a user other than root (an inventory of them): the scripts use sudo -n.
        try (VmTestHosts asUser = VmTestHosts.lease(QemuFaultsIT.class, 2,
                VmTestHosts.inventoryOf(List.of(a, b), "multihost-sudo", dir))) {
            Host userA = byName(asUser.hosts(), a.name());
            Host userB = byName(asUser.hosts(), b.name());
            assertThat(userA.execShell("id -un; sudo -n true && echo sudo").assertSuccess().stdout()).isEqualTo("multihost-sudo\nsudo\n");
            try (Fault partition = asUser.faults().partition(List.of(userA), List.of(userB), LONG)) {
                // Its peers' address is the forward on 127.0.0.1 here, which its loopback lets through: the rules are what is seen.
                assertThat(ruleset(a)).contains("junit_multihost_fault_").contains("ip daddr 127.0.0.1 drop");
                assertThat(userA.execShell("ls ~/.junit-multihost/faults").stdout()).as("its files, in its home").contains(".pid");
            }
            assertThat(ruleset(a)).isEqualTo(rules);
            try (Fault cut = asUser.faults().isolate(userA, LONG)) {
                assertThat(reaches(b, a)).as("b reaches a").isFalse();
                assertThat(userA.exec("true").exitCode()).as("the test JVM reaches a").isZero();
            }
            assertThat(ruleset(a)).isEqualTo(rules);
            await().atMost(Duration.ofSeconds(10)).until(() -> reaches(b, a));
            assertThat(userA.execShell("ls -A ~/.junit-multihost/faults").stdout().strip()).as("files left").isEmpty();
        }
    }

    @Test
    void aUserWithoutSudoIsToldWhyNoFaultCanBeImposed(@TempDir Path dir) throws IOException {
        String rules = ruleset(a);
        try (VmTestHosts asUser = VmTestHosts.lease(QemuFaultsIT.class, 2, VmTestHosts.inventoryOf(List.of(a, b), "multihost", dir))) {
            Host userA = byName(asUser.hosts(), a.name());
            Host userB = byName(asUser.hosts(), b.name());
            assertThatThrownBy(() -> asUser.faults().partition(List.of(userA), List.of(userB), LONG))
                    .isInstanceOf(MultiHostException.class)
                    .hasMessageContaining("Cannot impose a partition on host [" + a.name() + "]: neither nftables nor iptables is usable"
                            + " here (nft: sudo: a password is required");
            assertThat(asUser.faults().active()).isEmpty();
        }
        assertThat(ruleset(a)).isEqualTo(rules);
    }

    private static Host byName(List<Host> hosts, String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    /** Whether {@code from} gets an answer to a ping of {@code to}'s address on the guests' LAN within a second or two. */
    private static boolean reaches(Host from, Host to) {
        return from.execShell("ping -c 1 -W 2 " + to.address() + " >/dev/null 2>&1", LONG).exitCode() == 0;
    }

    /** The bytes per second {@code to} downloads {@code from}'s file at, over the guests' LAN. */
    private static double download(Host to, Host from) {
        String out = to.execShell("curl -s -o /dev/null -w '%{speed_download}' http://" + from.address() + ":8080/file", LONG)
                .assertSuccess().stdout().strip();
        return Double.parseDouble(out);
    }

    private static String ruleset(Host host) {
        return host.execShell("nft list ruleset", LONG).assertSuccess().stdout();
    }
}
