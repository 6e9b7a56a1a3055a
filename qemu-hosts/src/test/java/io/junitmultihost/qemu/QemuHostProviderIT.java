package io.junitmultihost.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real virtual machine: reached over OpenSSH with its pinned key, its boot loader's one-time
 * and default entries, a hard reset and a boot that hangs. Power off and on and a guest panic,
 * through the engine, are in the engine's QemuRebootIT (one machine per class keeps CI short).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuHostProviderIT {

    private static final Duration BOOT = Duration.ofMinutes(3);

    private QemuHostProvider provider;
    private HostSpec host;
    private QemuVm vm;

    @TempDir
    Path scratch;

    @BeforeAll
    void start() {
        QemuTestSupport.requireQemu();
        provider = (QemuHostProvider) new QemuHostProviderFactory().create(new ProviderConfig(Map.of(QemuHostProviderFactory.MAX_HOSTS, "1")));
        host = provider.hosts("node", 1, Set.of(), BOOT).get(0);
        vm = provider.started().get(0).vm();
    }

    /** A test that failed half way leaves the machine as it was at the start: on and answering. */
    @AfterEach
    void upAgain() {
        if (vm == null) {
            return;
        }
        try {
            vm.awaitUp(Duration.ofSeconds(30));
        } catch (QemuException e) {
            vm.powerOff(Duration.ofSeconds(10));
            vm.powerOn(BOOT);
        }
    }

    @AfterAll
    void stop() {
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void aHostIsARealKernelReachedOverSshWithItsPinnedKey() {
        String out = ssh("uname -r; cat /proc/cmdline; cat /proc/sys/kernel/random/boot_id; hostname; echo $MULTIHOST_NEXT_CMDLINE");
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).isEqualTo(host.labels().get("qemu.kernel")).endsWith("-cloud-amd64");
        assertThat(lines.get(1)).isEqualTo(QemuOptions.DEFAULT_CMDLINE);
        assertThat(lines.get(2)).matches("[0-9a-f-]{36}");
        assertThat(lines.get(3)).isEqualTo(host.name());
        assertThat(lines.get(4)).isEqualTo("/boot/loader/next-cmdline");
        assertThat(host.knownHosts()).singleElement().asString().startsWith("[127.0.0.1]:" + host.port() + " ssh-ed25519 ");
        assertThat(host.strictHostKeyChecking()).isTrue();
    }

    @Test
    void theHostsNetworkAddressIsItsGuestsOwnOnTheMachinesNetwork() {
        assertThat(host.address()).isEqualTo("127.0.0.1");
        assertThat(host.networkAddress()).isEqualTo("10.0.3.11");
        assertThat(ssh("ip -4 addr show eth1")).contains("inet 10.0.3.11/24");
    }

    @Test
    void underEmulationTheGuestRunsWithoutAddressSpaceRandomisationAndItsSshdWithoutReexecution() {
        String out = ssh("cat /proc/sys/kernel/randomize_va_space; for f in /proc/[0-9]*/cmdline; do"
                + " tr '\\0' ' ' < \"$f\"; echo; done 2>/dev/null | grep -F '[listener]'");
        List<String> lines = out.lines().toList();
        // QEMU's TCG translates code per address: a program started at new addresses is translated anew
        assertThat(lines.get(0)).isEqualTo(host.labels().get("qemu.accel").equals("tcg") ? "0" : "2");
        // each connection served by a fork of the listener, not a re-executed sshd (where this machine's sshd has -r)
        assertThat(lines.get(1)).contains("/bin/sshd " + GuestImage.noReexec() + "-D ");
    }

    @Test
    void theGuestHasWhatTheEnginesNetworkFaultsUse() {
        String out = ssh("tc -V; ip -V; nft --version; nft list ruleset; echo nft=$?; tc qdisc show dev eth0 root; echo tc=$?; "
                + "nft -f - <<'EOF'\ntable inet probe {\n  chain c {\n    type filter hook input priority -310; policy accept;\n"
                + "    udp dport 9 numgen random mod 100 < 1 drop\n    tcp dport 9 tcp flags & rst == 0 reject with tcp reset\n  }\n}\nEOF\n"
                + "echo probe=$?; nft delete table inet probe");
        assertThat(out).contains("iproute2").contains("nftables v").contains("nft=0").contains("tc=0").contains("probe=0");
    }

    @Test
    void theGuestRunsTheControllersJavaAtTheSamePath() {
        long started = System.nanoTime();
        QemuTestSupport.Result r = QemuTestSupport.sshResult(host, scratch,
                "java -version 2>&1 && " + System.getProperty("java.home") + "/bin/java -XshowSettings:properties -version 2>&1 | grep java.home",
                Duration.ofMinutes(2));
        System.out.println("java -version twice in the guest took " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("version \"" + System.getProperty("java.version") + "\"")
                .contains(System.getProperty("java.vm.name"))
                .contains("java.home = " + System.getProperty("java.home"));
    }

    @Test
    void theOneTimeCommandLineIsBootedOnceThenTheDefaultReturns() {
        String before = ssh("cat /proc/sys/kernel/random/boot_id");
        ssh("echo 'console=ttyS0 panic=1 quiet once=1' > \"$MULTIHOST_NEXT_CMDLINE\"; reboot");
        String second = awaitNewBoot(before);
        assertThat(ssh("cat /proc/cmdline")).isEqualTo("console=ttyS0 panic=1 quiet once=1");
        assertThat(ssh("ls /boot/loader")).doesNotContain("next-cmdline");
        ssh("reboot");
        awaitNewBoot(second);
        assertThat(ssh("cat /proc/cmdline")).isEqualTo(QemuOptions.DEFAULT_CMDLINE);
    }

    @Test
    void aHardResetBootsAgainWithoutTheGuestsSay() {
        String before = ssh("cat /proc/sys/kernel/random/boot_id");
        long boots = vm.boots();
        vm.reset(Duration.ofSeconds(30));
        assertThat(vm.boots()).isEqualTo(boots + 1);
        vm.awaitUp(BOOT);
        assertThat(ssh("cat /proc/sys/kernel/random/boot_id")).isNotEqualTo(before);
    }

    @Test
    void aBootThatHangsNeverAnswersAndAPowerCycleBootsTheDefaultAgain() {
        ssh("echo 'console=ttyS0 panic=1 quiet multihost.hang' > \"$MULTIHOST_NEXT_CMDLINE\"; reboot");
        await().atMost(Duration.ofSeconds(60)).until(() -> vm.state() == QemuVm.State.BOOTING && vm.entry().cmdline().contains("multihost.hang"));
        assertThatThrownBy(() -> vm.awaitUp(Duration.ofSeconds(20))).isInstanceOf(QemuException.class)
                .hasMessageContaining("did not answer SSH within [20 s]").hasMessageContaining("init waits forever");
        vm.powerOff(Duration.ofSeconds(10));
        vm.powerOn(BOOT);
        assertThat(ssh("cat /proc/cmdline")).isEqualTo(QemuOptions.DEFAULT_CMDLINE);
    }

    private String ssh(String script) {
        return QemuTestSupport.ssh(host, scratch, script);
    }

    /** Waits until the host answers with a boot id other than {@code old}; returns it. */
    private String awaitNewBoot(String old) {
        String[] seen = new String[1];
        await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() -> {
            QemuTestSupport.Result r = QemuTestSupport.sshResult(host, scratch, "cat /proc/sys/kernel/random/boot_id", Duration.ofSeconds(15));
            seen[0] = r.output().strip();
            return r.code() == 0 && !seen[0].equals(old);
        });
        return seen[0];
    }
}
