package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

    @Test
    void unrelatedFourLetterEntriesInTheStateDirSurviveLabStartCloseAndLeftoverCleanup() throws Exception {
        Path state = Files.createDirectories(TestStateDirs.fresh("state"));
        Map<String, String> before = unrelatedEntries(state);
        String fakeId = "zq" + (char) ('a' + (int) (Math.random() * 26)) + "9";
        try {
            // A registered lab whose owner is dead, pointing at a directory the lab never made.
            Files.createDirectories(Leftovers.REGISTRY);
            Files.writeString(Leftovers.REGISTRY.resolve(fakeId), "owner=999999999 1\ndir=" + state.resolve("abcd") + "\nbridge=\n");
            try (Lab lab = LabTestSupport.start(LabOptions.builder().hosts(1).stateDir(state))) {
                assertThat(Files.isDirectory(lab.directory())).isTrue();
                assertThat(snapshot(state)).containsAllEntriesOf(before);
            }
            Leftovers.removeAll(state);
            assertThat(snapshot(state)).isEqualTo(before);
            assertThat(Leftovers.REGISTRY.resolve(fakeId)).doesNotExist();
        } finally {
            Files.deleteIfExists(Leftovers.REGISTRY.resolve(fakeId));
            TestStateDirs.remove(state);
        }
    }

    @Test
    void aLabWhoseOwnerIsGoneIsCleanedFromACustomStateDirWithoutTouchingItsNeighbours() throws Exception {
        Path state = Files.createDirectories(TestStateDirs.fresh("state"));
        Map<String, String> before = unrelatedEntries(state);
        try {
            Lab lab = LabTestSupport.start(LabOptions.builder().hosts(1).stateDir(state));
            String id = lab.id();
            Path dir = lab.directory();
            try {
                // As if its JVM had been killed: the registry names an owner that is gone.
                Path entry = Leftovers.REGISTRY.resolve(id);
                Files.writeString(entry, Files.readString(entry).replaceAll("(?m)^owner=.*$", "owner=999999999 1"));
                assertThat(LabTestSupport.remains(id, dir)).contains(LabNetwork.namespace(id, "lab-1"), dir.toString());

                assertThat(Leftovers.removeAll(state)).contains(id);

                assertThat(LabTestSupport.remains(id, dir)).isEmpty();
                assertThat(snapshot(state)).isEqualTo(before);
            } finally {
                lab.close();
            }
        } finally {
            TestStateDirs.remove(state);
        }
    }

    @Test
    void aRamBackedStateDirGivesEachLabItsOwnBoundedTmpfsWhichCloseAndLeftoverCleanupUnmount() throws Exception {
        LabTestSupport.requireLab();
        Path state = Files.createDirectories(TestStateDirs.fresh("state"));
        Exec.run(Duration.ofSeconds(10), List.of("mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "test-state", state.toString())).orThrow("mount");
        try {
            Map<String, String> before = unrelatedEntries(state);
            long diskMib = HostLimits.of(LabOptions.builder().build().maxHosts(), HostLimits.machineMemory()).diskMib();
            Lab closed = LabTestSupport.start(LabOptions.builder().hosts(1).stateDir(state));
            Path closedDir = closed.directory();
            assertThat(mountOptions(closedDir)).as("the lab's own tmpfs").contains("size=" + diskMib * 1024 + "k");
            closed.hosts().get(0).exec("echo on-the-disk > /etc/lab-disk-probe", LabTestSupport.SSH);
            assertThat(closedDir.resolve("hosts/lab-1/disk/etc/lab-disk-probe")).hasContent("on-the-disk");
            closed.close();
            assertThat(mountOptions(closedDir)).isEmpty();
            assertThat(closedDir).doesNotExist();

            Lab killed = LabTestSupport.start(LabOptions.builder().hosts(1).stateDir(state));
            Path killedDir = killed.directory();
            try {
                Path entry = Leftovers.REGISTRY.resolve(killed.id());
                Files.writeString(entry, Files.readString(entry).replaceAll("(?m)^owner=.*$", "owner=999999999 1"));
                assertThat(Leftovers.removeAll(state)).contains(killed.id());
                assertThat(mountOptions(killedDir)).isEmpty();
                assertThat(LabTestSupport.remains(killed.id(), killedDir)).isEmpty();
            } finally {
                killed.close();
            }
            assertThat(snapshot(state)).isEqualTo(before);
        } finally {
            Exec.run(Duration.ofSeconds(10), List.of("umount", "--lazy", state.toString()));
            TestStateDirs.remove(state);
        }
    }

    /** The super options of the mount at {@code dir} in this machine's mount table; empty when nothing is mounted there. */
    private static String mountOptions(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" "))
                .filter(f -> f[4].equals(dir.toString()))
                .map(f -> f[f.length - 1])
                .reduce((a, b) -> b).orElse("");
    }

    /**
     * Fills {@code state} with what a shared directory may hold and no lab made: four-letter
     * directories (one with files, one empty, one root-owned 0700 holding a stray marker-like
     * file), a four-letter file and a four-letter symlink to a directory elsewhere. Returns the
     * snapshot to compare with.
     */
    private static Map<String, String> unrelatedEntries(Path state) throws IOException {
        Files.createDirectories(state.resolve("abcd").resolve("sub"));
        Files.writeString(state.resolve("abcd").resolve("sub").resolve("data"), "keep me\n");
        Files.createDirectories(state.resolve("wxyz"));
        Files.createDirectory(state.resolve("k7k7"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(state.resolve("k7k7").resolve(".junit-multihost-lab"), "lab=zzzz\n");
        Files.writeString(state.resolve("1234"), "a file\n");
        Path outside = Files.createDirectories(state.resolveSibling(state.getFileName() + "-outside"));
        Files.writeString(outside.resolve("precious"), "keep me too\n");
        Files.createSymbolicLink(state.resolve("lnk1"), outside);
        return snapshot(state);
    }

    /** Every path under {@code dir} (symlinks not followed) with its content or kind. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> seen = new TreeMap<>();
        Path outside = dir.resolveSibling(dir.getFileName() + "-outside");
        for (Path root : List.of(dir, outside)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    if (p.startsWith(dir) && p.getNameCount() > dir.getNameCount() && isLab(dir.relativize(p).getName(0).toString())) {
                        continue; // the lab's own directory, there only while it runs
                    }
                    String kind = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
                            : Files.isDirectory(p) ? "dir" : Files.readString(p);
                    seen.put(p.toString(), kind);
                }
            }
        }
        return seen;
    }

    private static boolean isLab(String name) {
        return Leftovers.registered().containsKey(name) && !List.of("abcd", "wxyz", "k7k7", "1234", "lnk1").contains(name);
    }
}
