package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reboot shim refuses to act where PID 1 is not the lab's init. Run only inside a throwaway
 * PID namespace whose PID 1 is a plain shell, so that even a broken shim could signal nothing but
 * that shell.
 */
class ShimIT {

    @Test
    void theShimRefusesWherePidOneIsNotTheLabsInit(@TempDir Path dir) throws IOException {
        LabTestSupport.requireLab();
        Path shim = dir.resolve("shim");
        try (InputStream in = Lab.class.getResourceAsStream("shim")) {
            Files.write(shim, in.readAllBytes());
        }
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path reboot = dir.resolve("reboot");
        Files.createSymbolicLink(reboot, shim);

        Exec.Result result = Exec.run(Duration.ofSeconds(20), List.of("unshare", "--fork", "--pid", "--mount-proc", "--kill-child",
                "/bin/sh", "-c", reboot + "; echo exit=$?; sleep 1; echo still-here"));

        assertThat(result.output()).contains("PID 1 is not the lab's init, so this is not a lab host; refusing to reboot.")
                .contains("exit=1").contains("still-here");
    }

    @Test
    void theShimRejectsSystemctlVerbsOtherThanPower(@TempDir Path dir) throws IOException {
        LabTestSupport.requireLab();
        Path shim = dir.resolve("systemctl");
        try (InputStream in = Lab.class.getResourceAsStream("shim")) {
            Files.write(shim, in.readAllBytes());
        }
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Exec.Result result = Exec.run(Duration.ofSeconds(20), List.of(shim.toString(), "restart", "nginx"));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(new String(result.output().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .contains("[restart] is not available on a lab host");
    }
}
