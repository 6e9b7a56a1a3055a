package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Curator is an optional dependency: a JVM without it leases inventory hosts as before, and says what to add when asked for ZooKeeper. */
class WithoutCuratorTest {

    @TempDir
    Path dir;

    @Test
    void aRunWithoutCuratorLeasesThroughLockFiles() throws Exception {
        assertThat(leaseWithoutCurator(Map.of("multihost.leases.directory", dir.resolve("leases").toString())))
                .isEqualTo("leased [fleet-1, fleet-2]");
    }

    @Test
    void aRunThatAsksForZooKeeperWithoutCuratorIsToldWhatToAdd() throws Exception {
        assertThat(leaseWithoutCurator(Map.of("multihost.leases.zookeeper", "127.0.0.1:2181")))
                .startsWith("failed: [multihost.leases.zookeeper] is set, but Apache Curator is not on the test class path (")
                .endsWith("Add the test dependency org.apache.curator:curator-framework (5.9.0 or later), or remove the key to"
                        + " lease hosts on this machine only.");
    }

    private String leaseWithoutCurator(Map<String, String> more) throws Exception {
        Map<String, String> settings = Fleets.inventoryOf(Fleets.unreachable(2, dir), dir.resolve("fleet"), more);
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = dir.resolve("settings.properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            properties.store(out, null);
        }
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("curator") && !entry.contains("zookeeper")).collect(Collectors.joining(File.pathSeparator));
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                LeaseOnceMain.class.getName(), file.toString()).redirectError(dir.resolve("err").toFile()).start();
        String out = new String(jvm.getInputStream().readAllBytes()).strip();
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
