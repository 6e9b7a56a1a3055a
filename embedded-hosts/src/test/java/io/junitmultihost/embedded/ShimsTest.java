package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.testsupport.MustNotSkip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shims as real scripts run by a real /bin/sh, under a directory whose name needs quoting. */
class ShimsTest {

    private static final String BOOT_ID = "0b7e1c2a-3f6d-4c1e-9a55-6f0d2b8c4e11";
    private static final String CMDLINE = "BOOT_IMAGE=/vmlinuz-test root=/dev/test ro magic=42";

    @TempDir
    Path temp;
    private HostFiles files;

    @BeforeEach
    void createHost() throws Exception {
        Path root = Files.createDirectories(temp.resolve("it's a dir $HOME `x`"));
        files = HostFiles.create(root, "host-7");
        files.writeBoot(BOOT_ID, CMDLINE);
    }

    private Processes.Run sh(String script) throws Exception {
        return Processes.run(List.of("/bin/sh", "-c", script), Map.of("PATH", files.bin() + ":" + Platform.jvmPath()));
    }

    @Test
    void catShowsTheHostsOwnBootIdAndCmdline() throws Exception {
        assertThat(sh("cat /proc/sys/kernel/random/boot_id").stdout()).isEqualTo(BOOT_ID + "\n");
        assertThat(sh("cat /proc/cmdline").stdout()).isEqualTo(CMDLINE + "\n");
        assertThat(sh("cat /proc/sys/kernel/random/boot_id /proc/cmdline").stdout()).isEqualTo(BOOT_ID + "\n" + CMDLINE + "\n");
    }

    @Test
    void otherReadersShowThemToo() throws Exception {
        assertThat(sh("head -c 36 /proc/sys/kernel/random/boot_id").stdout()).isEqualTo(BOOT_ID);
        assertThat(sh("tail -n 1 /proc/cmdline").stdout()).isEqualTo(CMDLINE + "\n");
        assertThat(sh("grep -o 'magic=[0-9]*' /proc/cmdline").stdout()).isEqualTo("magic=42\n");
        assertThat(sh("cut -d ' ' -f 1 /proc/cmdline").stdout()).isEqualTo("BOOT_IMAGE=/vmlinuz-test\n");
    }

    @Test
    void readersKeepEveryOtherArgumentAsItIs() throws Exception {
        Path plain = Files.writeString(temp.resolve("a file with spaces"), "plain\n");
        Processes.Run run = sh("cat -n '" + plain + "' - < /dev/null; echo \"[$?]\"");
        assertThat(run.stdout()).isEqualTo("     1\tplain\n[0]\n");
        assertThat(sh("cat /no/such/file; echo \"[$?]\"").stdout()).isEqualTo("[1]\n");
    }

    @Test
    void rebootAsksTheProviderForARebootAndReturnsZeroAtOnce() throws Exception {
        assertThat(sh("reboot").exitCode()).isZero();
        assertThat(files.takeRequest()).contains("reboot");
        assertThat(files.takeRequest()).isEmpty();
    }

    @Test
    void everyPowerCommandAsksForWhatItMeans() throws Exception {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("reboot -f", "reboot"),
                Map.entry("reboot -p", "poweroff"),
                Map.entry("shutdown -r now", "reboot"),
                Map.entry("shutdown -rf now", "reboot"),
                Map.entry("shutdown --reboot +1", "reboot"),
                Map.entry("shutdown -h now", "poweroff"),
                Map.entry("shutdown now", "poweroff"),
                Map.entry("systemctl reboot", "reboot"),
                Map.entry("systemctl --no-block reboot", "reboot"),
                Map.entry("systemctl poweroff", "poweroff"),
                Map.entry("systemctl halt", "poweroff"),
                Map.entry("poweroff", "poweroff"),
                Map.entry("halt", "poweroff"),
                Map.entry("halt --reboot", "reboot"));
        expected.forEach((command, action) -> {
            try {
                assertThat(sh(command).exitCode()).as(command).isZero();
                assertThat(files.takeRequest()).as(command).contains(action);
            } catch (Exception e) {
                throw new AssertionError(command, e);
            }
        });
    }

    @Test
    void shutdownCancelAsksForNothing() throws Exception {
        assertThat(sh("shutdown -c").exitCode()).isZero();
        assertThat(files.takeRequest()).isEmpty();
    }

    @Test
    void systemctlWithoutAPowerVerbIsNotMistakenForOne() throws Exception {
        Processes.Run run = sh("systemctl is-system-running");
        assertThat(files.takeRequest()).isEmpty();
        if (Platform.find("systemctl").isEmpty()) {
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).contains("embedded host [host-7] has no init system");
        }
    }

    @Test
    void theKillProgramRefusesEveryProcessAndInitAndPassesOtherKills() throws Exception {
        MustNotSkip.require(Platform.find("kill").isPresent(), "no kill program here");
        // Signal 0 only checks, so none of these would harm the machine even if they got through.
        for (String args : List.of("-0 -1", "-s 0 -1", "-0 -- -1", "-s 0 -- -1", "-0 1")) {
            Processes.Run run = sh("env kill " + args);
            assertThat(run.exitCode()).as(args).isEqualTo(MachineGuard.EXIT_REFUSED);
            assertThat(run.stderr()).as(args).contains("embedded host [host-7] refused [kill " + args + "]").contains("host.reboot()");
        }
        assertThat(sh("env kill -0 $$").exitCode()).isZero();
        assertThat(sh("sleep 30 & env kill -TERM $!; wait $!; echo $?").stdout()).isEqualTo("143\n");
        assertThat(sh("env kill -l 9").stdout()).isEqualTo("KILL\n");
    }
}
