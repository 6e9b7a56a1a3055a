package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Host;
import io.junitmultihost.spi.HostSpec;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two test runs, each a JVM of its own ({@link FleetRunMain}), share one inventory of two lab hosts,
 * leasing them through lock files on this machine or through a ZooKeeper server in this JVM: they
 * never hold a host at once (checked on the hosts, by marker files), and a run killed with SIGKILL
 * frees its hosts for the other (at once with lock files, when its session expires with ZooKeeper).
 */
class FleetOfRunsIT {

    private static VmTestHosts lab;
    private static String marker;

    @TempDir
    Path dir;

    private TestingServer zookeeper;
    private Process first;
    private Process second;

    @BeforeAll
    static void startHosts() {
        lab = VmTestHosts.lab(FleetOfRunsIT.class, 2);
        marker = "/tmp/junit-multihost-fleet-" + ProcessHandle.current().pid();
    }

    @AfterAll
    static void stopHosts() {
        if (lab != null) {
            for (Host host : lab.hosts()) {
                host.execShell("rm -f " + marker + "-*");
            }
            lab.close();
        }
    }

    @AfterEach
    void stopRuns() throws Exception {
        for (Process run : new Process[] {first, second}) {
            if (run != null) {
                run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    @ParameterizedTest(name = "leases through {0}")
    @ValueSource(strings = {"lock files", "ZooKeeper"})
    void twoRunsNeverHoldOneHostAtOnce(String leases) throws Exception {
        Path settings = settings(leases);

        first = run("first", settings, 2000);
        second = run("second", settings, 2000);

        assertThat(first.waitFor(120, TimeUnit.SECONDS)).as("the first run ended").isTrue();
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("the second run ended").isTrue();
        assertThat(first.exitValue()).as(output("first")).isZero();
        assertThat(second.exitValue()).as(output("second")).isZero();
        long[] one = heldFromTo("first");
        long[] two = heldFromTo("second");
        assertThat(one[1] <= two[0] || two[1] <= one[0]).as("the runs held the hosts one after the other: %s and %s",
                events("first"), events("second")).isTrue();
    }

    @ParameterizedTest(name = "leases through {0}")
    @ValueSource(strings = {"lock files", "ZooKeeper"})
    void aRunKilledWithSigkillFreesItsHostsForTheOther(String leases) throws Exception {
        Path settings = settings(leases);
        first = run("first", settings, TimeUnit.MINUTES.toMillis(10));
        await().atMost(Duration.ofSeconds(60)).until(() -> events("first").contains("holding"));

        second = run("second", settings, 500);
        await().atMost(Duration.ofSeconds(60)).until(() -> output("second").contains("to other test runs"));
        assertThat(output("second")).contains("fleet-node-1 (pid " + first.pid() + " on [")
                .contains("class [FleetRun" + first.pid() + "]");
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("the second run ended").isTrue();
        assertThat(second.exitValue()).as(output("second")).isZero();
        assertThat(events("second")).contains("took fleet-node-1 over from killed run " + first.pid())
                .contains("took fleet-node-2 over from killed run " + first.pid()).contains("released");
    }

    private Path settings(String leases) throws Exception {
        Map<String, String> more = new HashMap<>(Map.of("multihost.hosts.timeout", "90s"));
        if (leases.equals("ZooKeeper")) {
            File data = Files.createDirectory(dir.resolve("zookeeper")).toFile();
            // A short tick allows a short session timeout (ZooKeeper allows 2 to 20 ticks).
            zookeeper = new TestingServer(new InstanceSpec(data, InstanceSpec.getRandomPort(), -1, -1, true, 1, 200, 100), true);
            more.put("multihost.leases.zookeeper", zookeeper.getConnectString());
            more.put("multihost.leases.zookeeper.session-timeout", "3s");
        } else {
            more.put("multihost.leases.directory", dir.resolve("leases").toString());
        }
        List<HostSpec> fleet = new ArrayList<>();
        for (Host host : lab.hosts()) {
            HostSpec spec = ((RemoteHost) host).spec();
            fleet.add(HostSpec.builder("fleet-node-" + (fleet.size() + 1), spec.address()).port(spec.port()).user(spec.user())
                    .identityFile(spec.identityFile().orElseThrow()).knownHosts(spec.knownHosts()).build());
        }
        Map<String, String> settings = Fleets.inventoryOf(fleet, dir.resolve("fleet"), more);
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = dir.resolve("settings.properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            properties.store(out, null);
        }
        return file;
    }

    private Process run(String name, Path settings, long holdMillis) throws IOException {
        // The pool says at INFO which hosts a class waits for, and who holds them.
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.log." + HostPool.class.getName() + "=info", "-cp",
                System.getProperty("java.class.path"), FleetRunMain.class.getName(), settings.toString(),
                Long.toString(holdMillis), dir.resolve(name + ".events").toString(), marker)
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile()).start();
    }

    private long[] heldFromTo(String name) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(name + ".events"));
        return new long[] {at(lines, "holding "), at(lines, "released ")};
    }

    private static long at(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> Long.parseLong(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("No [" + prefix.strip() + "] in " + lines));
    }

    private String events(String name) throws IOException {
        Path file = dir.resolve(name + ".events");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private String output(String name) {
        try {
            return Files.readString(dir.resolve(name + ".out"));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
