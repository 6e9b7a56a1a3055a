package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.testsupport.MustNotSkip;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM that exits without closing its provider still leaves no host process and no directory behind. */
class ShutdownHookIT {

    @Test
    void aJvmThatForgetsToCloseTheProviderStillEndsItsHostsProcessesAndDeletesTheirDirectories() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Processes.Run child = Processes.run(
                List.of(java, "-cp", System.getProperty("java.class.path"), ChildJvm.class.getName()), Map.of());
        assertThat(child.exitCode()).as(child.stderr()).isZero();
        long pid = Long.parseLong(value(child.stdout(), "pid="));
        Path root = Path.of(value(child.stdout(), "root="));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running(pid));
        assertThat(root).doesNotExist();
    }

    @Test
    void asRootAJvmKilledWithSigkillStillEndsItsHostsProcesses() throws Exception {
        MustNotSkip.require(PidNamespace.wanted(), "not root: hosts' processes share this machine's namespace");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ChildJvm.class.getName(), "wait")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder output = new StringBuilder();
        try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String line;
            while (System.nanoTime() < end && (line = lines.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("root=")) {
                    break;
                }
            }
            long pid = Long.parseLong(value(output.toString(), "pid="));
            assertThat(Processes.running(pid)).isTrue();
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running(pid));
        } finally {
            child.destroyForcibly();
            String root = output.toString().lines().filter(l -> l.startsWith("root=")).map(l -> l.substring(5)).findFirst().orElse("");
            if (root.contains("junit-multihost-embedded-")) {
                Processes.run(List.of("rm", "-rf", root), Map.of()); // its provider never closed
            }
        }
    }

    private static String value(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("No [" + prefix + "] in [" + output + "]."))
                .substring(prefix.length());
    }

    /** Run in a child JVM: starts a host and a daemon on it, then exits without closing anything. */
    static final class ChildJvm {
        public static void main(String[] args) throws Exception {
            EmbeddedHostProvider provider = new EmbeddedHostProvider(EmbeddedSettings.defaults());
            HostSpec spec = provider.hosts("any", 1, Set.of(), Duration.ofSeconds(30)).get(0);
            try (JschClient client = JschClient.connect(spec)) {
                System.out.println("pid=" + Processes.machinePid(client.exec("nohup sleep 1000 > /dev/null 2>&1 & echo $!" + Processes.NAMESPACE).stdout()));
            }
            System.out.println("root=" + provider.root());
            System.out.flush();
            if (args.length > 0 && args[0].equals("wait")) {
                Thread.sleep(Duration.ofMinutes(2).toMillis()); // until the test kills this JVM with SIGKILL
            }
            System.exit(0);
        }
    }
}
