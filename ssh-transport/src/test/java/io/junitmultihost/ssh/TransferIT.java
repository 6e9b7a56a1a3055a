package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** Uploads cut short in a row: enough that the connection died in every run before the fix. */
    private static final int CUT_SHORT = 20;
    private static SshPool pool;
    private static SshHost host;

    @TempDir
    Path local;

    @BeforeAll
    static void start() {
        pool = SshPool.create();
        host = pool.host(LocalSshd.shared().target("sftp-host"));
    }

    private static final java.util.List<String> CREATED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterAll
    static void close() {
        for (String dir : CREATED) {
            host.exec(RemoteCommand.argv("rm", "-rf", dir), DEADLINE);
        }
        pool.close();
    }

    private String remoteDir() {
        String dir = "/tmp/jmh-transfer-" + System.nanoTime();
        CREATED.add(dir);
        host.exec(RemoteCommand.argv("mkdir", "-p", dir), DEADLINE);
        return dir;
    }

    @Test
    void aFileGoesUpAndComesBackWithItsContentAndPermissions() throws Exception {
        Path file = local.resolve("script.sh");
        byte[] content = randomBytes(300_000);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));
        String remote = remoteDir() + "/uploaded.sh";

        host.upload(file, remote, DEADLINE);

        assertThat(host.exec(RemoteCommand.argv("stat", "-c", "%a %s", remote), DEADLINE).stdoutText())
                .isEqualTo("750 300000\n");
        Path back = local.resolve("back/downloaded.sh");
        host.download(remote, back, DEADLINE);
        assertThat(Files.readAllBytes(back)).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back))).isEqualTo("rwxr-x---");
    }

    @Test
    void aFileUploadedIntoDirectoriesThatDoNotExistYetCreatesThemAsATreeUploadDoes() throws Exception {
        Path file = Files.writeString(local.resolve("app.conf"), "key=value\n");
        String remote = remoteDir() + "/etc/app/app.conf";

        host.upload(file, remote, DEADLINE);

        assertThat(host.exec(RemoteCommand.argv("cat", remote), DEADLINE).stdoutText()).isEqualTo("key=value\n");
    }

    @Test
    void anExistingRemoteFileIsReplaced() throws Exception {
        String remote = remoteDir() + "/f";
        host.exec(RemoteCommand.shell("echo old-and-longer > " + ShellQuote.quote(remote)), DEADLINE);
        Path file = Files.writeString(local.resolve("f"), "new");

        host.upload(file, remote, DEADLINE);

        assertThat(host.exec(RemoteCommand.argv("cat", remote), DEADLINE).stdoutText()).isEqualTo("new");
    }

    @Test
    void aDirectoryTreeGoesUpAndComesBackWithPermissions() throws Exception {
        Path tree = local.resolve("tree");
        Files.createDirectories(tree.resolve("sub/deeper"));
        Files.writeString(tree.resolve("top.txt"), "top");
        Files.writeString(tree.resolve("sub/run"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(tree.resolve("sub/run"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(tree.resolve("sub/deeper/blob"), randomBytes(70_000));
        Files.setPosixFilePermissions(tree.resolve("sub/deeper"), PosixFilePermissions.fromString("rwx------"));
        String remote = remoteDir() + "/with space/tree";

        host.upload(tree, remote, DEADLINE);

        assertThat(host.exec(RemoteCommand.argv(remote + "/sub/run"), DEADLINE).stdoutText()).isEqualTo("ran\n");
        assertThat(host.exec(RemoteCommand.argv("stat", "-c", "%a", remote + "/sub/deeper"), DEADLINE).stdoutText())
                .isEqualTo("700\n");
        Path back = local.resolve("back");
        host.download(remote, back, DEADLINE);
        assertThat(Files.readString(back.resolve("top.txt"))).isEqualTo("top");
        assertThat(Files.readAllBytes(back.resolve("sub/deeper/blob")))
                .isEqualTo(Files.readAllBytes(tree.resolve("sub/deeper/blob")));
        assertThat(Files.isExecutable(back.resolve("sub/run"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("sub/deeper"))))
                .isEqualTo("rwx------");
    }

    @Test
    void aMissingRemotePathFailsNamingItAndTheHost() {
        SshException e = catchThrowableOfType(SshException.class,
                () -> host.download("/nonexistent/jmh", local.resolve("x"), DEADLINE));

        assertThat(e.getMessage()).contains("/nonexistent/jmh", "sftp-host", "no such file");
    }

    @Test
    void aTransferThatOutlivesItsDeadlineFailsInAboutTheDeadline() throws Exception {
        Path big = local.resolve("big");
        try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
            sparse.setLength(4L << 30); // 4 GiB that cost no disk, and no loopback link moves in 300 ms
        }
        String remote = remoteDir() + "/big";
        long started = System.nanoTime();

        SshTimeoutException e = catchThrowableOfType(SshTimeoutException.class,
                () -> host.upload(big, remote, Duration.ofMillis(300)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("Upload", "sftp-host", "[300 ms]");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        assertThat(host.exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).isZero();
    }

    /**
     * A transfer past its deadline, up or down, stops on its own thread before its channel is closed: closed
     * from another thread, its next write followed the close, and OpenSSH ended the whole
     * connection with every command on it (about one upload in three on a busy machine).
     */
    @Test
    void transfersCutShortByTheirDeadlineLeaveTheConnectionAndTheCommandsOnItRunning() throws Exception {
        Path big = local.resolve("big");
        try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
            sparse.setLength(4L << 30);
        }
        String remote = remoteDir() + "/big";
        String hostsBig = remoteDir() + "/sparse";
        host.exec(RemoteCommand.argv("truncate", "-s", "4G", hostsBig), DEADLINE);
        RemoteProcess running = host.start(RemoteCommand.argv("sleep", "120"), DEADLINE);
        try {
            for (int i = 0; i < CUT_SHORT; i++) {
                assertThat(catchThrowableOfType(SshTimeoutException.class,
                        () -> host.upload(big, remote, Duration.ofMillis(200)))).as("upload %d", i).isNotNull();
                assertThat(catchThrowableOfType(SshTimeoutException.class,
                        () -> host.download(hostsBig, local.resolve("down"), Duration.ofMillis(200)))).as("download %d", i)
                        .isNotNull();
            }

            assertThat(running.isDone()).as("the command started before the transfers is still running").isFalse();
        } finally {
            running.cancel();
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
