package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.testsupport.MustNotSkip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An embedded host cannot reboot, power off or signal the machine it runs on. Every probe here is
 * harmless even if it were not refused: paths that do not exist, signal 0 (which only checks), a
 * {@code reboot(2)} with wrong magic numbers (which fails before it acts either way).
 */
class MachineSafetyIT {

    private static EmbeddedHostProvider provider;
    private static HostSpec host;
    private static String machineBootId;

    @BeforeAll
    static void startAHost() throws Exception {
        machineBootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        provider = new EmbeddedHostProvider(EmbeddedSettings.defaults());
        host = provider.hosts("any", 1, Set.of(), Duration.ofSeconds(30)).get(0);
    }

    @AfterAll
    static void stop() throws Exception {
        provider.close();
        assertThat(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip()).as("this machine's boot id").isEqualTo(machineBootId);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/nonexistent-multihost/sbin/reboot", "sudo -n /nonexistent-multihost/reboot", "/nonexistent-multihost/systemctl reboot",
        "/nonexistent-multihost/systemctl start reboot.target", "kill -0 -1", "/nonexistent-multihost/telinit 6",
        "echo b > /nonexistent-multihost/proc/sysrq-trigger"
    })
    void aCommandThatWouldReachTheMachineIsRefusedWithItsNameAndWhatToDoInstead(String command) throws Exception {
        try (JschClient client = JschClient.connect(host)) {
            JschClient.Result result = client.exec(command);
            assertThat(result.exitCode()).as(command).isEqualTo(MachineGuard.EXIT_REFUSED);
            assertThat(result.stderr()).contains("[" + command + "]").contains("host.reboot()");
        }
    }

    @Test
    void aKillOfEveryProcessTheLineCheckCannotSeeIsStillRefusedByTheHostsKillProgram() throws Exception {
        String command = "k=kill; env $k -0 -1"; // signal 0 only checks: harmless even if it got through
        assertThat(MachineGuard.refusal(command)).as("the line check cannot see through a variable").isEmpty();
        try (JschClient client = JschClient.connect(host)) {
            JschClient.Result result = client.exec(command);
            assertThat(result.exitCode()).isEqualTo(MachineGuard.EXIT_REFUSED);
            assertThat(result.stderr()).contains("refused [kill -0 -1]");
        }
    }

    @Test
    void asRootAHostSeesOnlyItsOwnProcessesAndKillOfEveryProcessReachesOnlyThose() throws Exception {
        MustNotSkip.require(PidNamespace.wanted(), "not root: hosts share this machine's PID namespace");
        String machineNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        Process mine = new ProcessBuilder("sleep", "60").start(); // a process of this machine, started by this test
        try (JschClient client = JschClient.connect(host)) {
            assertThat(client.exec("readlink /proc/self/ns/pid").stdout().strip()).isNotEqualTo(machineNamespace);
            assertThat(client.exec("tr '\\0' ' ' < /proc/1/cmdline").stdout()).contains(PidNamespace.INIT);
            assertThat(client.exec("kill -0 " + mine.pid()).exitCode()).as("this test's own process, seen from the host").isNotZero();
            String daemon = client.exec("nohup sleep 1000 > /dev/null 2>&1 & echo $!" + Processes.NAMESPACE).stdout();
            long daemonPid = Processes.machinePid(daemon);
            // kill -9 -1 through a variable, which the line check cannot see; sent only after the command
            // has checked that it runs in the host's own namespace, so it can never reach this machine.
            JschClient.Result killed = client.exec("[ \"$(readlink /proc/self/ns/pid)\" != '" + machineNamespace + "' ]"
                    + " && grep -q 'cat <&3' /proc/1/cmdline && k=kill && $k -9 -1; echo sent=$?");
            assertThat(killed.stdout()).contains("sent=0");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running(daemonPid));
            assertThat(mine.isAlive()).as("this machine's process").isTrue();
            assertThat(client.exec("echo still up").stdout()).isEqualTo("still up\n");
        } finally {
            mine.destroyForcibly();
        }
    }

    @Test
    void asRootTheSysrqTriggerAndPowerStateAreReadOnlyOnTheHost() throws Exception {
        MustNotSkip.require(PidNamespace.wanted(), "not root: the kernel refuses those writes to this user anyway");
        int checked = 0;
        try (JschClient client = JschClient.connect(host)) {
            for (String path : List.of("/proc/sysrq-trigger", "/sys/power/state")) {
                if (!Files.exists(Path.of(path))) {
                    continue; // this kernel has no such file
                }
                // Quoted in two halves: the line check refuses any command naming these files.
                String split = "p='" + path.substring(0, 8) + "''" + path.substring(8) + "'; ";
                // mountinfo first, so a missing mask fails here before anything opens the file
                JschClient.Result options = client.exec(split + "grep \" $p \" /proc/self/mountinfo | tail -n 1 | cut -d' ' -f6");
                assertThat(options.stdout().strip()).as("mount options of [%s] on the host; stderr [%s]", path, options.stderr())
                        .matches("ro(,.*)?");
                assertThat(client.exec(split + "test -w $p && echo writable || echo read-only").stdout()).isEqualTo("read-only\n");
                checked++;
            }
        }
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).as("this machine's own mounts are untouched")
                .noneMatch(line -> line.contains(" /sys/power/state ") || line.contains(" /proc/sysrq-trigger "));
        assertThat(checked).as("files checked (none exists on this kernel?)").isPositive();
    }

    @Test
    void asRootCommandsRunWithoutTheCapabilityToReboot() throws Exception {
        MustNotSkip.require(Platform.isRoot(), "not root: the kernel refuses reboot(2) to this user anyway");
        try (JschClient client = JschClient.connect(host)) {
            String bounding = client.exec("grep CapBnd /proc/self/status").stdout().strip().split("\\s+")[1];
            assertThat(Long.parseLong(bounding, 16) & (1L << 22)).as("CAP_SYS_BOOT in [%s]", bounding).isZero();
            // reboot(2) checks CAP_SYS_BOOT before its magic numbers: EPERM (1) without it, EINVAL (22) with it.
            // With magic numbers 0 it never acts, so this probe is harmless either way.
            String arch = client.exec("uname -m").stdout().strip();
            int number = switch (arch) {
                case "x86_64" -> 169;
                case "aarch64" -> 142;
                default -> -1;
            };
            MustNotSkip.require(number > 0, "no reboot(2) number known for [" + arch + "]");
            JschClient.Result probe = client.exec("perl -e 'syscall(" + number + ", 0, 0, 0, 0); print $! + 0'");
            assertThat(probe.stdout()).as("errno of reboot(2) with wrong magic numbers; stderr [%s]", probe.stderr()).isEqualTo("1");
            JschClient.Result viaSudo = client.exec("sudo -n perl -e 'syscall(" + number + ", 0, 0, 0, 0); print $! + 0'");
            if (viaSudo.exitCode() == 0) {
                assertThat(viaSudo.stdout()).as("through sudo").isEqualTo("1");
            }
        }
    }

    @Test
    void theHostsOwnRebootShimStillRebootsTheHostAlone() throws Exception {
        String before;
        try (JschClient client = JschClient.connect(host)) {
            before = client.exec("cat /proc/sys/kernel/random/boot_id").stdout().strip();
            assertThat(client.exec("reboot").exitCode()).isZero();
        }
        EmbeddedHost embedded = provider.started().get(0);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> embedded.bootId().filter(id -> !id.equals(before)).isPresent());
        assertThat(List.of(machineBootId)).doesNotContain(embedded.bootId().orElseThrow());
    }
}
