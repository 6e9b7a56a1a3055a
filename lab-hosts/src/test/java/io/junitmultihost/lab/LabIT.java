package io.junitmultihost.lab;

import static io.junitmultihost.lab.LabTestSupport.SSH;
import static io.junitmultihost.lab.LabTestSupport.await;
import static io.junitmultihost.lab.LabTestSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.spi.HostSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One lab of three real hosts, shared by the tests; each test leaves its hosts up and without faults. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabIT {

    private Lab lab;
    private LabHost one;
    private LabHost two;
    private LabHost three;
    private String machineBootId;

    @BeforeAll
    void startLab() {
        machineBootId = LabTestSupport.machineBootId();
        lab = LabTestSupport.start(LabOptions.builder().hosts(3).downTime(Duration.ofMillis(500))
                .cmdline("lab-3", "BOOT_IMAGE=/boot/vmlinuz-6.1.0-lab root=/dev/lab3 ro console=ttyS0"));
        List<LabHost> hosts = lab.hosts();
        one = hosts.get(0);
        two = hosts.get(1);
        three = hosts.get(2);
    }

    @AfterEach
    void hostsUpWithoutFaults() {
        for (LabHost host : lab.hosts()) {
            host.clearFaults();
            host.powerOn(Duration.ofSeconds(60));
        }
    }

    @AfterAll
    void closeLab() {
        if (lab != null) {
            lab.close();
            assertThat(LabTestSupport.remains(lab.id(), lab.directory())).isEmpty();
        }
        assertThat(LabTestSupport.machineBootId()).as("this machine's boot id").isEqualTo(machineBootId);
    }

    @Test
    void hostsAnswerSshWithStrictHostKeyCheckingAndTheirSpecs() {
        for (LabHost host : lab.hosts()) {
            HostSpec spec = host.spec();
            assertThat(spec.address()).isEqualTo(host.address()).startsWith(lab.subnet().substring(0, lab.subnet().lastIndexOf('.')));
            assertThat(spec.port()).isEqualTo(22);
            assertThat(spec.user()).isEqualTo("root");
            assertThat(spec.identityFile()).contains(lab.clientKey());
            assertThat(spec.strictHostKeyChecking()).isTrue();
            assertThat(spec.knownHosts()).containsExactly(host.knownHostsLine());
            assertThat(spec.knownHosts().get(0)).startsWith(host.address() + " ssh-ed25519 ");
            assertThat(spec.control()).containsSame(host);
            assertThat(host.exec("whoami", SSH)).isEqualTo("root\n");
        }
    }

    @Test
    void eachHostsSshdDoesNotReExecItselfForEachConnectionWhereThisMachinesSshdHasTheOption() {
        assertThat(Exec.run(SSH, List.of("/usr/sbin/sshd", "-r", "-V")).ok()).as("this machine's sshd takes -r").isTrue();
        for (LabHost host : lab.hosts()) {
            // sshd's listener keeps its arguments in its process title
            assertThat(host.exec("tr '\\0' ' ' < /proc/$(cat /run/sshd.pid)/cmdline", SSH)).contains(" -r ");
        }
    }

    @Test
    void aHostsBootWorkRunsNicerThanTheLabWhileItsSshdAndSessionsRunAsTheLabDoes() {
        int own = niceness("/proc/self/stat");
        for (LabHost host : lab.hosts()) {
            // field 19 of /proc/PID/stat; the command names here (sh, sshd, cat) hold no spaces
            String nice = host.exec("echo $(cut -d' ' -f19 /proc/1/stat) $(cut -d' ' -f19 /proc/$(cat /run/sshd.pid)/stat)"
                    + " $(cut -d' ' -f19 /proc/$$/stat)", SSH).strip();

            assertThat(nice).as("the niceness of the init, sshd and a session on [%s]", host.name())
                    .isEqualTo((own + LabOptions.DEFAULT_BOOT_NICENESS) + " " + own + " " + own);
        }
    }

    @Test
    void aHostWhoseKeyDoesNotMatchKnownHostsIsRefusedByStrictChecking() throws Exception {
        Path wrong = lab.directory().resolve("wrong_known_hosts");
        Files.writeString(wrong, one.address() + " " + two.knownHostsLine().split(" ", 2)[1] + "\n");
        Exec.Result result = OpenSshClient.run(null, one.address(), lab.clientKey(), wrong, "true", SSH);
        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.output()).contains("HOST IDENTIFICATION HAS CHANGED");
    }

    @Test
    void eachHostHasItsOwnHostnameBootIdCmdlineTmpAndPidNamespace() {
        Set<String> bootIds = new HashSet<>();
        for (LabHost host : lab.hosts()) {
            String[] seen = host.exec("hostname; cat /proc/sys/kernel/random/boot_id; cat /proc/cmdline; readlink /proc/self/ns/pid; "
                    + "echo $MULTIHOST_HOST", SSH).split("\n");
            assertThat(seen[0]).isEqualTo(host.name());
            assertThat(seen[1]).isEqualTo(host.bootId()).isNotEqualTo(machineBootId);
            bootIds.add(seen[1]);
            assertThat(seen[3]).isNotEqualTo(SafetyCheck.machinePidNamespace());
            assertThat(seen[4]).isEqualTo(host.name());
        }
        assertThat(bootIds).hasSize(3);
        assertThat(one.exec("cat /proc/cmdline", SSH)).isEqualTo(LabOptions.DEFAULT_CMDLINE.replace("{host}", "lab-1") + "\n");
        assertThat(three.exec("cat /proc/cmdline", SSH)).isEqualTo("BOOT_IMAGE=/boot/vmlinuz-6.1.0-lab root=/dev/lab3 ro console=ttyS0\n");

        String file = "/tmp/lab-it-" + UUID.randomUUID();
        one.exec("echo mine > " + file, SSH);
        assertThat(one.exec("cat " + file, SSH)).isEqualTo("mine\n");
        assertThat(two.exec("test -e " + file + " && echo present || echo absent", SSH)).isEqualTo("absent\n");
        assertThat(Path.of(file)).doesNotExist();
    }

    @Test
    void aWriteToEtcUsrOrRootOnOneHostIsSeenNeitherOnAnotherNorOnTheMachine() {
        String name = "lab-it-" + UUID.randomUUID();
        for (String dir : List.of("/etc", "/usr/local/bin", "/var/lib", "/opt", "/boot", "/root")) {
            one.exec("echo installed > " + dir + "/" + name, SSH);
            assertThat(one.exec("cat " + dir + "/" + name, SSH)).isEqualTo("installed\n");
            assertThat(two.exec("test -e " + dir + "/" + name + " && echo present || echo absent", SSH)).as(dir).isEqualTo("absent\n");
            assertThat(Path.of(dir, name)).as(dir + " on the machine").doesNotExist();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reboot", "shutdown -r now", "systemctl reboot"})
    void aRebootCommandChangesTheBootIdKillsProcessesAndLeavesTheMachineUp(String command) {
        String before = one.exec("cat /proc/sys/kernel/random/boot_id", SSH).strip();
        one.exec("setsid nohup sleep 1234 > /dev/null 2>&1 < /dev/null & echo started", SSH);
        assertThat(one.exec("pgrep -x sleep || true", SSH)).isNotBlank();
        String rootFile = "/root/survives-" + UUID.randomUUID();
        one.exec("touch " + rootFile, SSH);

        Exec.Result result = one.ssh(command, SSH);

        assertThat(result.exitCode()).as(result.output()).isIn(0, 255);
        await("lab-1 to come back with a new boot id", Duration.ofSeconds(60), () -> {
            Exec.Result seen = one.ssh("cat /proc/sys/kernel/random/boot_id", Duration.ofSeconds(5));
            return seen.ok() && !seen.output().strip().equals(before);
        });
        assertThat(one.exec("pgrep -x sleep || echo none", SSH)).isEqualTo("none\n");
        assertThat(one.exec("test -e " + rootFile + " && echo kept", SSH)).as("/root is a disk").isEqualTo("kept\n");
        assertThat(one.bootId()).isNotEqualTo(before);
        assertThat(LabTestSupport.machineBootId()).isEqualTo(machineBootId);
        assertThat(connect(two.address(), Duration.ofSeconds(5))).as("other hosts stay up").isEqualTo("connected");
    }

    @ParameterizedTest
    @ValueSource(strings = {"poweroff", "halt", "shutdown -h now"})
    void aPowerOffCommandTurnsTheHostOffUntilPowerOn(String command) {
        String before = two.bootId();
        two.ssh(command, SSH);
        await("lab-2 to be off", Duration.ofSeconds(30), () -> two.state() == LabHost.State.OFF);
        assertThat(connect(two.address(), Duration.ofMillis(500))).isEqualTo("timeout");
        two.powerOn();
        assertThat(two.state()).isEqualTo(LabHost.State.UP);
        assertThat(two.exec("cat /proc/sys/kernel/random/boot_id", SSH).strip()).isNotEqualTo(before).isEqualTo(two.bootId());
    }

    @Test
    void rebootFromTheLabReturnsWhenTheHostIsBackWithANewBootIdAndTheSameHostKey() {
        String before = one.bootId();
        String key = one.knownHostsLine();
        one.reboot();
        assertThat(one.state()).isEqualTo(LabHost.State.UP);
        assertThat(one.exec("cat /proc/sys/kernel/random/boot_id", SSH).strip()).isEqualTo(one.bootId()).isNotEqualTo(before);
        assertThat(one.knownHostsLine()).isEqualTo(key);
    }

    @Test
    void changedHostKeysTakeEffectAtTheNextBootAndTheOldLineIsRefused() throws Exception {
        String oldLine = two.knownHostsLine();
        two.changeHostKeys();
        two.reboot();
        assertThat(two.knownHostsLine()).isNotEqualTo(oldLine);
        assertThat(two.exec("true && echo ok", SSH)).isEqualTo("ok\n");
        Path old = lab.directory().resolve("old_known_hosts");
        Files.writeString(old, oldLine + "\n");
        assertThat(OpenSshClient.run(null, two.address(), lab.clientKey(), old, "true", SSH).exitCode()).isEqualTo(255);
    }

    @Test
    void aCommandOnTheHostSetsTheKernelCommandLineOfItsNextBoot() {
        one.exec("echo 'BOOT_IMAGE=/boot/vmlinuz-new ro hugepages=16' > \"$MULTIHOST_NEXT_CMDLINE\"", SSH);
        one.reboot();
        assertThat(one.exec("cat /proc/cmdline", SSH)).isEqualTo("BOOT_IMAGE=/boot/vmlinuz-new ro hugepages=16\n");
        one.exec("rm \"$MULTIHOST_NEXT_CMDLINE\"", SSH);
        one.reboot();
        assertThat(one.exec("cat /proc/cmdline", SSH)).isEqualTo(LabOptions.DEFAULT_CMDLINE.replace("{host}", "lab-1") + "\n");
    }

    @Test
    void aCutLinkMakesConnectionsTimeOutAndRestoringItMakesThemWork() {
        one.cutLink();
        assertThat(connect(one.address(), Duration.ofMillis(500))).isEqualTo("timeout");
        assertThat(one.ssh("true", Duration.ofSeconds(3)).ok()).isFalse();
        assertThat(one.state()).as("the host itself runs on").isEqualTo(LabHost.State.UP);
        one.restoreLink();
        assertThat(connect(one.address(), Duration.ofSeconds(5))).isEqualTo("connected");
        assertThat(one.exec("echo back", SSH)).isEqualTo("back\n");
    }

    @Test
    void droppingAllPacketsTimesOutAndDroppingAShareLosesSomeConnectsButNotAll() {
        two.dropPackets(100);
        assertThat(connect(two.address(), Duration.ofMillis(500))).isEqualTo("timeout");
        two.dropPackets(50);
        int connected = 0;
        int attempts = 40;
        for (int i = 0; i < attempts; i++) {
            if (connect(two.address(), Duration.ofMillis(300)).equals("connected")) {
                connected++;
            }
        }
        assertThat(connected).isBetween(1, attempts - 1);
        two.dropPackets(0);
        assertThat(connect(two.address(), Duration.ofSeconds(5))).isEqualTo("connected");
    }

    @Test
    void aHostCutOffFromOnePeerStillReachesTheOthersAndTheMachine() {
        String probe = "timeout 2 bash -c '</dev/tcp/" + one.address() + "/22' && echo open || echo closed";
        one.cutFrom(two);
        assertThat(two.exec(probe, SSH)).isEqualTo("closed\n");
        assertThat(three.exec(probe, SSH)).isEqualTo("open\n");
        assertThat(connect(one.address(), Duration.ofSeconds(5))).isEqualTo("connected");
        one.restoreFrom(two);
        assertThat(two.exec(probe, SSH)).isEqualTo("open\n");
    }

    @Test
    void aBandwidthLimitSlowsTransfersAndLiftingItRestoresThem() {
        three.limitBandwidth(4_000_000);
        assertThat(three.exec("tc qdisc show dev eth0", SSH)).contains("tbf");
        long started = System.nanoTime();
        assertThat(three.exec("head -c 1000000 /dev/zero | tr '\\0' x", SSH)).hasSize(1_000_000);
        // 1 MB at 4 Mbit/s takes 2 s; unlimited it takes a few milliseconds. Only a lower bound.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(1000));
        three.removeBandwidthLimit();
        assertThat(three.exec("tc qdisc show dev eth0", SSH)).doesNotContain("tbf");
    }

    @Test
    void aCrashKillsEveryProcessAtOnceAndTheHostBootsAgainByItself() {
        String before = three.bootId();
        three.exec("setsid nohup sleep 4321 > /dev/null 2>&1 < /dev/null & echo started", SSH);
        String namespace = three.namespace();
        three.crash();
        assertThat(three.state()).isIn(LabHost.State.DOWN, LabHost.State.BOOTING);
        assertThat(LabNetwork.pids(namespace)).as("processes in the host's namespace right after the crash").isEmpty();
        three.awaitUp(Duration.ofSeconds(60));
        assertThat(three.bootId()).isNotEqualTo(before);
        assertThat(three.exec("pgrep -x sleep || echo none", SSH)).isEqualTo("none\n");
    }

    @Test
    void powerOffKillsEverythingAndNothingAnswersUntilPowerOn() {
        String before = two.bootId();
        two.powerOff();
        assertThat(two.state()).isEqualTo(LabHost.State.OFF);
        assertThat(LabNetwork.pids(two.namespace())).isEmpty();
        assertThat(connect(two.address(), Duration.ofMillis(500))).isEqualTo("timeout");
        assertThatThrownBy(() -> two.reboot(Duration.ofSeconds(5))).isInstanceOf(LabException.class).hasMessageContaining("[OFF]");
        two.powerOn();
        assertThat(two.exec("cat /proc/sys/kernel/random/boot_id", SSH).strip()).isNotEqualTo(before);
    }

    @Test
    void theSafetyCheckRefusesAHostWhoseRebootIsNotTheShim() {
        one.exec("umount /usr/bin/systemctl", SSH);
        assertThatThrownBy(() -> one.recheck(SSH))
                .isInstanceOf(LabException.class)
                .hasMessageContaining("[reboot] resolves to [/usr/sbin/reboot], not the lab's shim");
        assertThat(one.state()).isEqualTo(LabHost.State.FAILED);
        one.powerOn();
        one.recheck(SSH);
        assertThat(one.exec("grep -c " + SafetyCheck.SHIM_MARKER + " /usr/sbin/reboot", SSH)).isEqualTo("1\n");
    }

    @Test
    void theSysrqTriggerAndPowerStateAreReadOnlyOnEveryHostSoEchoCIsRefused() {
        for (LabHost host : lab.hosts()) {
            for (String path : SafetyCheck.READ_ONLY) {
                String exists = host.exec("test -e " + path + " && echo present || echo absent", SSH).strip();
                assertThat(exists).as("[%s] on [%s] as on the machine", path, host.name())
                        .isEqualTo(Files.exists(Path.of(path)) ? "present" : "absent");
                if (exists.equals("absent")) {
                    continue; // this kernel has no such file (no CONFIG_MAGIC_SYSRQ here): nothing to reach
                }
                // Checked through mountinfo before anything opens the file, so a missing mask fails
                // here without ever touching the machine's file.
                String options = host.exec("grep ' " + path + " ' /proc/self/mountinfo | tail -n 1 | cut -d' ' -f6", SSH).strip();
                assertThat(options).as("mount options of [%s] on [%s]", path, host.name()).matches("ro(,.*)?");
                assertThat(host.exec("test -w " + path + " && echo writable || echo read-only", SSH)).isEqualTo("read-only\n");
                // Opening it for writing (and writing nothing) is refused by the read-only mount.
                Exec.Result opened = host.ssh(": > " + path, SSH);
                assertThat(opened.exitCode()).isNotZero();
                assertThat(opened.output()).contains("Read-only file system");
            }
        }
        assertThat(SafetyCheck.READ_ONLY.stream().filter(p -> Files.exists(Path.of(p))))
                .as("at least one of them exists here, or this test checked nothing").isNotEmpty();
    }

    @Test
    void theSafetyCheckRefusesAHostWhoseSysrqTriggerOrPowerStateIsWritable() {
        String path = SafetyCheck.READ_ONLY.stream().filter(p -> Files.exists(Path.of(p))).findFirst().orElseThrow();
        one.exec("umount " + path, SSH);
        assertThatThrownBy(() -> one.recheck(SSH))
                .isInstanceOf(LabException.class)
                .hasMessageContaining("[" + path + "] is not mounted read-only");
        assertThat(one.state()).isEqualTo(LabHost.State.FAILED);
        one.powerOn();
        one.recheck(SSH);
    }

    @Test
    void eachHostsTmpDevShmAndRunAreBoundedByTheLabsLimits() {
        HostLimits limits = HostLimits.of(lab.options().maxHosts(), HostLimits.machineMemory());
        for (LabHost host : lab.hosts()) {
            String mounts = host.exec("for d in /tmp /dev/shm /run; do echo \"$d $(grep \" $d \" /proc/self/mountinfo | tail -n 1"
                    + " | sed -n 's/.*[ ,]size=\\([0-9]*k\\).*/\\1/p')\"; done", SSH);
            assertThat(mounts).as("on [%s]", host.name()).contains(
                    "/tmp " + limits.tmpMib() * 1024 + "k\n", "/dev/shm " + limits.shmMib() * 1024 + "k\n",
                    "/run " + limits.runMib() * 1024 + "k\n");
        }
    }

    private static int niceness(String stat) {
        try {
            String text = Files.readString(Path.of(stat));
            return Integer.parseInt(text.substring(text.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
