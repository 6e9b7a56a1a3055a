package io.junitmultihost.qemu;

import static org.junit.jupiter.api.Assertions.fail;

import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.testsupport.MustNotSkip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** QEMU hosts in tests: they fail when QEMU cannot run and skipping is not allowed ({@link MustNotSkip}), and skip elsewhere. */
final class QemuTestSupport {

    private QemuTestSupport() {
    }

    /** Fails (CI, root) or skips (elsewhere) when this machine cannot run the qemu provider. */
    static void requireQemu() {
        QemuEnvironment.problem().ifPresent(problem -> MustNotSkip.cannotRun("the qemu provider cannot run here: " + problem));
    }

    /** What OpenSSH's ssh printed (stdout) running {@code script} on the host, strict host key checking on; fails on a non-zero exit. */
    static String ssh(HostSpec host, Path scratch, String script) {
        Result result = sshResult(host, scratch, script, Duration.ofSeconds(60));
        if (result.code != 0) {
            fail("ssh to [" + host.name() + "] running [" + script + "] exited with [" + result.code + "]: " + result.output);
        }
        return result.output.strip();
    }

    record Result(int code, String output) {
    }

    static Result sshResult(HostSpec host, Path scratch, String script, Duration deadline) {
        try {
            Path knownHosts = scratch.resolve("known_hosts-" + host.name());
            Files.write(knownHosts, host.knownHosts(), StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of("ssh", "-q", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                    "-o", "UserKnownHostsFile=" + knownHosts, "-o", "ConnectTimeout=10", "-i", host.identityFile().orElseThrow().toString(),
                    "-p", Integer.toString(host.port()), host.user() + "@" + host.address(), script));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + deadline);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-2, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-3, "interrupted");
        }
    }
}
