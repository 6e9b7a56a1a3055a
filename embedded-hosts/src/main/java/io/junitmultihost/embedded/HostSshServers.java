package io.junitmultihost.embedded;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/** Builds the MINA SSH server of one boot of a host. */
final class HostSshServers {

    /** The address every embedded host listens on. */
    static final String ADDRESS = "127.0.0.1";

    private HostSshServers() {
    }

    /**
     * A server on 127.0.0.1:{@code port} (0 for an ephemeral one) with {@code hostKey}, that admits
     * only {@code boot.user()} with {@code clientKey} (public key authentication only) and runs
     * commands, shells and SFTP for {@code boot}. Remote forwarding listens on loopback only; agent
     * and X11 forwarding are refused. Not started.
     */
    static SshServer create(Boot boot, KeyPair hostKey, PublicKey clientKey, int port, ExecutorService threads) {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(ADDRESS);
        server.setPort(port);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setPublickeyAuthenticator((user, key, session) -> boot.user().equals(user) && KeyUtils.compareKeys(clientKey, key));
        server.setCommandFactory((channel, command) -> new ShellCommand(boot, command, threads));
        server.setShellFactory(channel -> new ShellCommand(boot, null, threads));
        server.setSubsystemFactories(List.of(new HostSftpSubsystemFactory(boot.files())));
        server.setFileSystemFactory(new HomeFileSystemFactory(boot.files().home()));
        server.setForwardingFilter(ForwardingFilter.asForwardingFilter(
                (session, type) -> false, (session, type) -> false, new LoopbackForwarding()));
        // OpenSSH has no idle timeout; a pooled connection may rest between test classes.
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ZERO);
        CoreModuleProperties.SOCKET_REUSEADDR.set(server, true);
        // Without it Nagle's algorithm meets delayed ACKs and every exit status waits ~40 ms.
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        return server;
    }

    /** The default filesystem, with the host's home as the user's home. */
    private static final class HomeFileSystemFactory implements FileSystemFactory {
        private final Path home;

        HomeFileSystemFactory(Path home) {
            this.home = home;
        }

        @Override
        public Path getUserHomeDir(SessionContext session) {
            return home;
        }

        @Override
        public FileSystem createFileSystem(SessionContext session) throws IOException {
            return FileSystems.getDefault();
        }
    }

    /** Port forwarding only on loopback: a test server must not open ports to the network. */
    private static final class LoopbackForwarding implements TcpForwardingFilter {
        @Override
        public boolean canListen(SshdSocketAddress address, Session session) {
            return isLoopback(address);
        }

        @Override
        public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
            return true; // the test JVM could open that connection itself
        }

        private static boolean isLoopback(SshdSocketAddress address) {
            String host = address.getHostName();
            return "localhost".equalsIgnoreCase(host) || SshdSocketAddress.isLoopback(host);
        }
    }
}
