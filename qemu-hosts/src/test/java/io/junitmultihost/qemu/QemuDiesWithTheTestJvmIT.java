package io.junitmultihost.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A test JVM killed with SIGKILL runs no shutdown hook: its QEMU machines must not run on (their
 * guests, ports and pulled cables as the dead JVM left them). QEMU's parent-death signal kills them.
 */
class QemuDiesWithTheTestJvmIT {

    @Test
    void qemuDiesWhenItsTestJvmIsKilled() throws Exception {
        QemuTestSupport.requireQemu();
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartAndHangMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> said = new HashMap<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (said.size() < 2 && (line = out.readLine()) != null) {
                int eq = line.indexOf('=');
                if (line.startsWith("qemu-pid=") || line.startsWith("session=")) {
                    said.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            assertThat(said).as("what the test JVM printed").containsKeys("qemu-pid", "session");
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor(10, TimeUnit.SECONDS);
        }
        long pid = Long.parseLong(said.get("qemu-pid"));
        assertThat(pid).isPositive();
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        Path session = Path.of(said.get("session"));
        assertThat(session).as("the killed JVM's session, removed by the next provider").exists();
        new QemuHostProviderFactory().create(new io.junitmultihost.spi.ProviderConfig(Map.of())).close();
        assertThat(Files.exists(session)).as("the killed JVM's session [" + session + "] is removed by the next provider").isFalse();
    }
}
