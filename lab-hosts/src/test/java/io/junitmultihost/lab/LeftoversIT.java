package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Cleanup: a closed lab leaves nothing, and the next start removes what a killed JVM's lab left. */
class LeftoversIT {

    @Test
    void aClosedLabLeavesNoNamespacesLinksBridgeProcessesOrFiles() {
        Lab lab = LabTestSupport.start(LabOptions.builder().hosts(2));
        String id = lab.id();
        Path dir = lab.directory();
        assertThat(LabTestSupport.remains(id, dir)).contains(LabNetwork.namespace(id, "lab-1"), lab.bridge(), dir.toString());
        assertThat(Leftovers.inits(dir)).as("unshare and init of each host").hasSize(4);

        lab.close();

        assertThat(LabTestSupport.remains(id, dir)).isEmpty();
        assertThat(LabNetwork.links()).doesNotContain(lab.bridge());
    }

    @Test
    void theNextStartRemovesWhatALabOfAKilledJvmLeftBehind() throws Exception {
        LabTestSupport.requireLab();
        Process child = new ProcessBuilder(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                LabMain.class.getName(), "2"))
                .redirectErrorStream(true)
                .start();
        String id = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            String line;
            while (System.nanoTime() < end && (line = out.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    id = line.substring(6).strip();
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(id).as("the child JVM's lab id").isNotNull();
        Path leftDir = Path.of(LabOptions.DEFAULT_STATE_DIR, id);
        assertThat(LabTestSupport.remains(id, leftDir)).as("left behind by the killed JVM")
                .contains(LabNetwork.namespace(id, "lab-1"), LabNetwork.namespace(id, "lab-2"), LabNetwork.defaultBridge(id));
        assertThat(Leftovers.inits(leftDir)).as("unshare and init of each host").hasSize(4);

        try (Lab next = LabTestSupport.start(LabOptions.builder().hosts(0))) {
            assertThat(LabTestSupport.remains(id, leftDir)).isEmpty();
            assertThat(next.id()).isNotEqualTo(id);
        }
    }
}
