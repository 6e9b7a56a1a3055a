package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import io.junitmultihost.ssh.fixtures.LyingSftpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A download must not let the host write outside the target, loop forever, or destroy the caller's files. */
class DownloadSafetyIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final List<String> CREATED = new CopyOnWriteArrayList<>();
    private static SshPool pool;
    private static SshHost host;

    @TempDir
    Path local;

    @BeforeAll
    static void start() {
        pool = SshPool.create();
        host = pool.host(LocalSshd.shared().target("sftp-host"));
    }

    @AfterAll
    static void close() {
        for (String dir : CREATED) {
            host.exec(RemoteCommand.argv("rm", "-rf", dir), DEADLINE);
        }
        pool.close();
    }

    private static String remoteDir(String setup) {
        String dir = "/tmp/jmh-download-" + System.nanoTime();
        CREATED.add(dir);
        host.exec(RemoteCommand.shell("mkdir -p " + ShellQuote.quote(dir) + " && cd " + ShellQuote.quote(dir)
                + " && " + setup), DEADLINE);
        return dir;
    }

    @Test
    void aSymlinkLoopOnTheHostIsNotFollowedAndLinksToFilesArriveAsFiles() throws Exception {
        String remote = remoteDir("echo data > f && ln -s . loop && ln -s .. up && ln -s f alias && mkdir d"
                + " && ln -s ../d d/back && ln -s /nonexistent/jmh dangling");

        host.download(remote, local.resolve("got"), DEADLINE);

        assertThat(Files.readString(local.resolve("got/f"))).isEqualTo("data\n");
        assertThat(Files.readString(local.resolve("got/alias"))).isEqualTo("data\n");
        assertThat(Files.isRegularFile(local.resolve("got/alias"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(local.resolve("got/loop")).doesNotExist();
        assertThat(local.resolve("got/up")).doesNotExist();
        assertThat(local.resolve("got/d/back")).doesNotExist();
        assertThat(local.resolve("got/dangling")).doesNotExist();
    }

    @Test
    void aDownloadFailingMidwayKeepsTheOldLocalFile() throws Exception {
        String remote = remoteDir("truncate -s 4G big") + "/big";
        Path precious = Files.writeString(local.resolve("precious"), "the caller's data");

        SshTimeoutException e = catchThrowableOfType(SshTimeoutException.class,
                () -> host.download(remote, precious, Duration.ofMillis(300)));

        assertThat(e).isNotNull();
        assertThat(Files.size(precious)).isEqualTo(17);
        assertThat(Files.readString(precious)).isEqualTo("the caller's data");
        try (Stream<Path> left = Files.list(local)) {
            assertThat(left).as("files left beside the target").containsExactly(precious);
        }
    }

    @Test
    void aCompletedDownloadReplacesTheOldLocalFile() throws Exception {
        String remote = remoteDir("echo new > f") + "/f";
        Path file = Files.writeString(local.resolve("f"), "old and longer");

        host.download(remote, file, DEADLINE);

        assertThat(Files.readString(file)).isEqualTo("new\n");
    }

    @Test
    void theCallersExistingDirectoryKeepsItsPermissionsAndWorldWriteIsMasked() throws Exception {
        String remote = remoteDir("mkdir sub && echo x > sub/f && chmod 666 sub/f && chmod 777 sub && chmod 2777 .");
        Path target = Files.createDirectory(local.resolve("mine"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

        host.download(remote, target, DEADLINE);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("sub"))))
                .isEqualTo("rwxrwxr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("sub/f"))))
                .isEqualTo("rw-rw-r--");
    }

    @Test
    void aListedNameWithASlashFailsTheDownloadAndNothingIsWrittenOutsideTheTarget() throws Exception {
        Path served = Files.createDirectories(local.resolve("served/tree"));
        Files.writeString(served.resolve("escaped"), "from the host");
        Files.writeString(served.resolve("../escaped"), "from the host");
        Path out = Files.createDirectories(local.resolve("out"));
        try (LyingSftpServer liar = LyingSftpServer.start(Map.of("escaped", "../escaped"));
                SshPool own = SshPool.create()) {
            SshHost lying = own.host(liar.target("lying-host"));

            SshException e = catchThrowableOfType(SshException.class,
                    () -> lying.download(served.toString(), out.resolve("target"), DEADLINE));

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("lying-host", "[../escaped]", "'/'");
        }
        assertThat(out.resolve("escaped")).doesNotExist();
    }

    @Test
    void aListedNameWithANulFailsTheDownloadNamingIt() throws Exception {
        Path served = Files.createDirectories(local.resolve("served"));
        Files.writeString(served.resolve("nul"), "from the host");
        try (LyingSftpServer liar = LyingSftpServer.start(Map.of("nul", "a\0b"));
                SshPool own = SshPool.create()) {
            SshHost lying = own.host(liar.target("lying-host"));

            SshException e = catchThrowableOfType(SshException.class,
                    () -> lying.download(served.toString(), local.resolve("target"), DEADLINE));

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("lying-host", "NUL");
        }
    }
}
