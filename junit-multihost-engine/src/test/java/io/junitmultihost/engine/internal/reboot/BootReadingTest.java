package io.junitmultihost.engine.internal.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootReadingTest {

    @Test
    void aWellFormedReadingGivesBootIdReleaseAndCommandLine() {
        BootReading reading = BootReading.parse(0, bytes("boot_id=6B608AFF-DC3B-43F4-8E28-BAE8B5A87164\n"
                + "release=6.1.0-18-amd64\ncmdline=BOOT_IMAGE=/vmlinuz ro multihost.magic=00ff\n")).orElseThrow();

        assertThat(reading.bootId()).isEqualTo("6b608aff-dc3b-43f4-8e28-bae8b5a87164");
        assertThat(reading.release()).isEqualTo("6.1.0-18-amd64");
        assertThat(reading.cmdlineHas("multihost.magic=00ff")).isTrue();
        assertThat(reading.cmdlineHas("multihost.magic=00f")).as("whole words only").isFalse();
    }

    @Test
    void anErrorMessageIsNeverABootId() {
        assertThat(BootReading.parse(0, bytes("boot_id=cat: /proc/sys/kernel/random/boot_id: No such file\n"))).isEmpty();
        assertThat(BootReading.parse(0, bytes("boot_id=\nrelease=\ncmdline=\n"))).as("read during shutdown").isEmpty();
        assertThat(BootReading.parse(97, bytes("boot_id=6b608aff-dc3b-43f4-8e28-bae8b5a87164\n"))).isEmpty();
        assertThat(BootReading.parse(0, bytes("Please login as the user \"ubuntu\" rather than \"root\".\n"))).isEmpty();
    }

    /** The shells hosts have: dash (Debian's sh), bash, busybox's ash. Each must be on this machine. */
    private static final List<List<String>> SHELLS = List.of(List.of("/bin/sh"), List.of("/bin/bash"),
            List.of("/bin/busybox", "sh"));

    @Test
    void theScriptReadsThisMachinesBootUnderEveryShellHostsHave() throws Exception {
        String bootId = Files.readString(Path.of(BootReading.BOOT_ID_PATH)).strip();
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        for (List<String> shell : SHELLS) {
            BootReading reading = BootReading.parse(0, run(shell, Map.of())).orElseThrow();

            assertThat(reading.bootId()).as("%s", shell).isEqualTo(bootId);
            assertThat(reading.release()).as("%s", shell).isEqualTo(release);
        }
    }

    @Test
    void theScriptReadsTheFilesASimulatedHostNames(@TempDir Path dir) throws Exception {
        Path bootId = Files.writeString(dir.resolve("boot_id"), "6b608aff-dc3b-43f4-8e28-bae8b5a87164\n");
        Path cmdline = Files.writeString(dir.resolve("cmdline"), "ro quiet multihost.magic=00ff\n");
        for (List<String> shell : SHELLS) {
            BootReading reading = BootReading.parse(0, run(shell, Map.of("MULTIHOST_BOOT_ID_FILE", bootId.toString(),
                    "MULTIHOST_CMDLINE_FILE", cmdline.toString()))).orElseThrow();

            assertThat(reading.bootId()).as("%s", shell).isEqualTo("6b608aff-dc3b-43f4-8e28-bae8b5a87164");
            assertThat(reading.cmdline()).as("%s", shell).isEqualTo("ro quiet multihost.magic=00ff");
        }
    }

    @Test
    void aMissingBootIdFileExitsWithItsOwnCodeUnderEveryShell(@TempDir Path dir) throws Exception {
        for (List<String> shell : SHELLS) {
            Process process = start(shell, Map.of("MULTIHOST_BOOT_ID_FILE", dir.resolve("none").toString()));

            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("%s", shell).isEqualTo(97);
        }
    }

    private static byte[] run(List<String> shell, Map<String, String> env) throws IOException, InterruptedException {
        Process process = start(shell, env);
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", shell, new String(out, StandardCharsets.UTF_8)).isZero();
        return out;
    }

    private static Process start(List<String> shell, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(shell);
        command.addAll(List.of("-c", BootReading.SCRIPT));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("MULTIHOST_BOOT_ID_FILE");
        builder.environment().remove("MULTIHOST_CMDLINE_FILE");
        builder.environment().putAll(env);
        return builder.start();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
