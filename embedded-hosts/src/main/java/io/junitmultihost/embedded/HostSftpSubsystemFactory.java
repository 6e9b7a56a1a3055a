package io.junitmultihost.embedded;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Map;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemConfigurator;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * SFTP on the real filesystem, with relative paths resolved against the host's home directory
 * and the host's own boot id and kernel command line at their {@code /proc} paths.
 */
final class HostSftpSubsystemFactory extends SftpSubsystemFactory {

    private final Path home;

    HostSftpSubsystemFactory(HostFiles files) {
        this.home = files.home();
        Map<Path, Path> own = Map.of(
                Path.of(Shims.BOOT_ID_PATH), files.bootIdFile(),
                Path.of(Shims.CMDLINE_PATH), files.cmdlineFile());
        setFileSystemAccessor(new SftpFileSystemAccessor() {
            @Override
            public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath) throws IOException {
                Path path = SftpFileSystemAccessor.super.resolveLocalFilePath(subsystem, rootDir, remotePath);
                return own.getOrDefault(path.normalize(), path);
            }
        });
    }

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        return new HostSftpSubsystem(channel, this, home);
    }

    /** The SFTP subsystem whose default directory (what {@code realpath .} answers) is the host's home. */
    private static final class HostSftpSubsystem extends SftpSubsystem {
        private final Path home;

        HostSftpSubsystem(ChannelSession channel, SftpSubsystemConfigurator configurator, Path home) {
            super(channel, configurator);
            this.home = home;
            this.defaultDir = home;
        }

        @Override
        public void setFileSystem(FileSystem fileSystem) {
            super.setFileSystem(fileSystem);
            if (fileSystem == home.getFileSystem()) {
                this.defaultDir = home;
            }
        }
    }
}
