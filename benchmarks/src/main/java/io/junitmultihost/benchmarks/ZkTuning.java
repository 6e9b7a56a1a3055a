package io.junitmultihost.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.InstanceSpec;
import org.apache.zookeeper.server.persistence.FileTxnLog;

/**
 * The sync benchmark's in-process ZooKeeper, set up as a user tuning it for speed would: its data
 * directory (snapshots and transaction log) on tmpfs when the machine has {@code /dev/shm}, and no
 * fsync per transaction ({@code zookeeper.forceSync=no}, which {@link SyncBenchmark#main} sets
 * before ZooKeeper loads). Both are read back for the JSON rather than assumed.
 */
final class ZkTuning {

    private static final Path SHM = Path.of("/dev/shm");
    private static final List<Path> MADE = new CopyOnWriteArrayList<>();

    private ZkTuning() {
    }

    /**
     * A server on a free port, no per-address connection cap (every session comes from this one
     * address), its data in a fresh directory inside one of ours: ZooKeeper's embedded server
     * writes its configuration file next to the data directory and leaves it ({@link #cleanUp}).
     */
    static InstanceSpec spec() {
        try {
            Path parent = onTmpfs() ? Files.createTempDirectory(SHM, "mh-sync-bench-zk")
                    : Files.createTempDirectory("mh-sync-bench-zk");
            MADE.add(parent);
            File dir = Files.createDirectory(parent.resolve("data")).toFile();
            return new InstanceSpec(dir, -1, -1, -1, true, -1, -1, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make ZooKeeper's data directory", e);
        }
    }

    /** Removes the directories {@link #spec} made. */
    static void cleanUp() {
        MADE.forEach(SshBenchSupport::deleteTree);
        MADE.clear();
    }

    /** Whether ZooKeeper's transaction log fsyncs each write, as its log class reads the setting. */
    static boolean forceSync() {
        try {
            Path dir = Files.createTempDirectory("mh-sync-bench-zk-check");
            try (FileTxnLog log = new FileTxnLog(dir.toFile())) {
                return log.isForceSync();
            } finally {
                SshBenchSupport.deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code tmpfs} when the data directory is on /dev/shm, else {@code disk}. */
    static String dataDirKind() {
        return onTmpfs() ? "tmpfs" : "disk";
    }

    private static boolean onTmpfs() {
        try {
            return Files.isDirectory(SHM) && Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .map(line -> line.split(" "))
                    .anyMatch(f -> f.length > 2 && f[1].equals(SHM.toString()) && f[2].equals("tmpfs"));
        } catch (IOException e) {
            return false;
        }
    }
}
