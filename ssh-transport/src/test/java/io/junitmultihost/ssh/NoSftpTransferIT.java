package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hosts whose sshd has no SFTP subsystem (busybox systems, appliances) still take and give files, over exec. */
class NoSftpTransferIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static LocalSshd sshd;
    private static SshPool pool;
    private static SshHost host;

    @TempDir
    Path local;

    @BeforeAll
    static void start() {
        sshd = LocalSshd.startWithoutSftp();
        pool = SshPool.create();
        host = pool.host(sshd.target("no-sftp-host"));
    }

    @AfterAll
    static void close() {
        if (pool != null) {
            pool.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void aFileGoesUpAndComesBackWithItsContentAndMode() throws Exception {
        Path file = Files.writeString(local.resolve("script.sh"), "#!/bin/sh\necho up\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));
        String remote = sshd.directory() + "/uploaded.sh";

        host.upload(file, remote, DEADLINE);
        Path back = local.resolve("back.sh");
        host.download(remote, back, DEADLINE);

        assertThat(Files.readString(back)).isEqualTo("#!/bin/sh\necho up\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back))).isEqualTo("rwxr-x---");
    }

    @Test
    void aFileUploadedIntoDirectoriesThatDoNotExistYetCreatesThemAsATreeUploadDoes() throws Exception {
        Path file = Files.writeString(local.resolve("app.conf"), "key=value\n");
        String remote = sshd.directory() + "/new dir/etc/app.conf";

        host.upload(file, remote, DEADLINE);

        assertThat(host.exec(RemoteCommand.argv("cat", remote), DEADLINE).stdoutText()).isEqualTo("key=value\n");
    }

    @Test
    void aTreeGoesUpAndComesBackWithModesButWithoutWorldWrite() throws Exception {
        Path tree = local.resolve("tree");
        Files.createDirectories(tree.resolve("sub/deeper"));
        Files.writeString(tree.resolve("top.txt"), "top");
        Files.writeString(tree.resolve("sub/run"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(tree.resolve("sub/run"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(tree.resolve("sub/deeper/" + "long-name-".repeat(12)), "long");
        Files.writeString(tree.resolve("sub/open"), "open");
        Files.setPosixFilePermissions(tree.resolve("sub/open"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(tree.resolve("sub/deeper"), PosixFilePermissions.fromString("rwx------"));
        String remote = sshd.directory() + "/with space/tree";

        host.upload(tree, remote, DEADLINE);
        assertThat(host.exec(RemoteCommand.argv(remote + "/sub/run"), DEADLINE).stdoutText()).isEqualTo("ran\n");
        host.exec(RemoteCommand.shell("cd " + ShellQuote.quote(remote) + " && ln -s . loop && ln -s sub/run alias"
                + " && ln sub/run hard"), DEADLINE);
        Path back = local.resolve("back");
        host.download(remote, back, DEADLINE);

        assertThat(Files.readString(back.resolve("top.txt"))).isEqualTo("top");
        assertThat(Files.readString(back.resolve("sub/deeper/" + "long-name-".repeat(12)))).isEqualTo("long");
        assertThat(Files.readString(back.resolve("hard"))).isEqualTo("#!/bin/sh\necho ran\n");
        assertThat(Files.isExecutable(back.resolve("sub/run"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("sub/deeper"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back.resolve("sub/open"))))
                .isEqualTo("rw-rw-r--");
        assertThat(back.resolve("loop")).doesNotExist();
        assertThat(back.resolve("alias")).doesNotExist();
    }

    @Test
    void aDownloadFailingMidwayKeepsTheOldLocalFile() throws Exception {
        String remote = sshd.directory() + "/big";
        host.exec(RemoteCommand.argv("truncate", "-s", "4G", remote), DEADLINE);
        Path precious = Files.writeString(local.resolve("precious"), "the caller's data");

        SshTimeoutException e = catchThrowableOfType(SshTimeoutException.class,
                () -> host.download(remote, precious, Duration.ofMillis(500)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("no-sftp-host");
        assertThat(Files.size(precious)).isEqualTo(17);
        try (Stream<Path> left = Files.list(local)) {
            assertThat(left).as("files left beside the target").containsExactly(precious);
        }
        host.exec(RemoteCommand.argv("rm", "-f", remote), DEADLINE);
    }

    @Test
    void aMissingRemoteFileFailsNamingItAndTheHost() {
        SshException e = catchThrowableOfType(SshException.class,
                () -> host.download("/nonexistent/jmh", local.resolve("x"), DEADLINE));

        assertThat(e.getMessage()).contains("/nonexistent/jmh", "no-sftp-host", "no such file");
    }
}
