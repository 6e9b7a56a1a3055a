package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.spi.HostSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
            System.exit(0);
        }
    }
}
