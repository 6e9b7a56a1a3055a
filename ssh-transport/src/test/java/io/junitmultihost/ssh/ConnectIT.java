package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final RemoteCommand TRUE = RemoteCommand.argv("true");
    private static LocalSshd sshd;
    private static SshPool pool;

    @BeforeAll
    static void start() {
        sshd = LocalSshd.shared();
        pool = SshPool.builder().useAgent(false).build();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void aRefusedPortFailsQuicklyNamingHostAndPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            port = socket.getLocalPort();
        }
        SshHost host = pool.host(sshd.targetBuilder("refuser").port(port).build());
        long started = System.nanoTime();

        SshConnectException e = catchThrowableOfType(SshConnectException.class, () -> host.exec(TRUE, DEADLINE));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("refuser", "127.0.0.1:" + port, "refused", "sshd");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anUnknownHostNameFailsSayingItCouldNotBeResolved() {
        SshHost host = pool.host(SshTarget.builder("ghost", "no-such-host.invalid").build());

        SshConnectException e = catchThrowableOfType(SshConnectException.class, () -> host.exec(TRUE, DEADLINE));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("ghost", "no-such-host.invalid", "could not be resolved");
    }

    @Test
    void aHostThatAcceptsButNeverSpeaksFailsWithinTheConnectTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            SshHost host = pool.host(sshd.targetBuilder("silent").port(silent.getLocalPort())
                    .connectTimeout(Duration.ofSeconds(1)).build());
            long started = System.nanoTime();

            SshConnectException e = catchThrowableOfType(SshConnectException.class, () -> host.exec(TRUE, DEADLINE));

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("silent", "within [1 s]");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void aHandshakeCutShortWhileAuthenticatingIsATimeoutNotARefusedAuthentication() throws Exception {
        // as under heavy packet loss: the host answers the key exchange, then its answer to the
        // authentication comes after the connect timeout
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        java.security.KeyPair hostKey = generator.generateKeyPair();
        org.apache.sshd.server.SshServer slow = org.apache.sshd.server.SshServer.setUpDefaultServer();
        slow.setHost("127.0.0.1");
        slow.setPort(0);
        slow.setKeyPairProvider(org.apache.sshd.common.keyprovider.KeyPairProvider.wrap(hostKey));
        slow.setUserAuthFactories(List.of(org.apache.sshd.server.auth.password.UserAuthPasswordFactory.INSTANCE));
        slow.setPasswordAuthenticator((user, given, session) -> {
            try {
                Thread.sleep(4000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        });
        slow.start();
        try {
            SshHost host = pool.host(SshTarget.builder("slow-auth", "127.0.0.1").port(slow.getPort()).user("tester")
                    .password("secret").connectTimeout(Duration.ofSeconds(1))
                    .knownHosts(List.of("[127.0.0.1]:" + slow.getPort() + " "
                            + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(hostKey.getPublic())))
                    .build());
            long started = System.nanoTime();

            SshConnectException e = catchThrowableOfType(SshConnectException.class, () -> host.exec(TRUE, DEADLINE));

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("slow-auth", "Could not connect", "within [1 s]")
                    .doesNotContain("refused authentication");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        } finally {
            slow.stop(true);
        }
    }

    @Test
    void theCallDeadlineAlsoBoundsConnecting() throws IOException {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            SshHost host = pool.host(sshd.targetBuilder("silent-short").port(silent.getLocalPort()).build());
            long started = System.nanoTime();

            SshConnectException e = catchThrowableOfType(SshConnectException.class,
                    () -> host.exec(TRUE, Duration.ofSeconds(1)));

            assertThat(e).isNotNull();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void aWrongKeyIsRefusedNamingTheUserAndTheKeyFile(@TempDir Path dir) throws Exception {
        Path wrongKey = dir.resolve("wrong_key");
        keygen(wrongKey);
        SshHost host = pool.host(sshd.targetBuilder("wrong-key").identityFile(wrongKey).build());

        SshConnectException e = catchThrowableOfType(SshConnectException.class, () -> host.exec(TRUE, DEADLINE));

        assertThat(e).isNotNull().isNotInstanceOf(SshHostKeyException.class);
        assertThat(e.getMessage()).contains("wrong-key", "refused authentication", sshd.user(), wrongKey.toString(),
                "authorized_keys");
    }

    @Test
    void aMissingKeyFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("missing");
        SshHost host = pool.host(sshd.targetBuilder("missing-key").identityFile(missing).build());

        SshConnectException e = catchThrowableOfType(SshConnectException.class, () -> host.exec(TRUE, DEADLINE));

        assertThat(e.getMessage()).contains(missing.toString(), "does not exist");
    }

    @Test
    void anUnknownHostKeyIsRefusedByDefaultNamingTheOfferedFingerprint(@TempDir Path dir) throws Exception {
        Path otherHostKey = dir.resolve("other_host_key");
        keygen(otherHostKey);
        String[] pub = Files.readString(Path.of(otherHostKey + ".pub")).trim().split("\\s+");
        SshHost host = pool.host(sshd.targetBuilder("unknown-key")
                .knownHosts(List.of("[otherhost]:22 " + pub[0] + " " + pub[1])).build());

        SshHostKeyException e = catchThrowableOfType(SshHostKeyException.class, () -> host.exec(TRUE, DEADLINE));

        assertThat(e).isNotNull();
        assertThat(e.offeredFingerprint()).isEqualTo(fingerprint(sshd.directory().resolve("ssh_host_ed25519_key.pub")));
        assertThat(e.getMessage()).contains("unknown-key", "not in", e.offeredFingerprint(), "ssh-keyscan");
    }

    @Test
    void anUnknownHostKeyFromAConfiguredKnownHostsFileNamesThatFileAndItsSetting(@TempDir Path dir) throws Exception {
        Path otherHostKey = dir.resolve("other_host_key");
        keygen(otherHostKey);
        String[] pub = Files.readString(Path.of(otherHostKey + ".pub")).trim().split("\\s+");
        Path file = dir.resolve("fleet_known_hosts");
        SshHost host = pool.host(sshd.targetBuilder("from-file")
                .knownHosts(List.of("[otherhost]:22 " + pub[0] + " " + pub[1]))
                .knownHostsOrigin(file, "multihost.inventory.known-hosts").build());

        SshHostKeyException e = catchThrowableOfType(SshHostKeyException.class, () -> host.exec(TRUE, DEADLINE));

        assertThat(e.getMessage()).contains("from-file", "not in [" + file + "]", ">> " + file,
                "multihost.inventory.known-hosts").doesNotContain("~/.ssh/known_hosts", "SshTarget.Builder");
    }

    @Test
    void anUnknownHostKeyWithNoKnownHostsFileConfiguredNamesTheSettingToSet() {
        SshHost host = pool.host(sshd.targetBuilder("no-file").knownHosts(List.of())
                .knownHostsOrigin(null, "multihost.inventory.known-hosts").build());

        SshHostKeyException e = catchThrowableOfType(SshHostKeyException.class, () -> host.exec(TRUE, DEADLINE));

        assertThat(e.getMessage()).contains("no-file", "set [multihost.inventory.known-hosts]")
                .doesNotContain("SshTarget.Builder");
    }

    @Test
    void withoutStrictCheckingAnUnknownHostKeyIsAccepted() {
        SshHost host = pool.host(sshd.targetBuilder("lenient").knownHosts(List.of("[otherhost]:22 ssh-ed25519"
                + " AAAAC3NzaC1lZDI1NTE5AAAAIDhnVBd8nwsyAQOYTZOl9UDzSuk7UDcO2K0KKcjWUYtT"))
                .strictHostKeyChecking(false).build());

        assertThat(host.exec(TRUE, DEADLINE).exitCode()).isZero();
    }

    @Test
    void aChangedHostKeyIsRefusedNamingBothFingerprintsAndHowToFixIt() throws Exception {
        try (LocalSshd own = LocalSshd.start(); SshPool ownPool = SshPool.builder().useAgent(false).build()) {
            SshTarget target = own.target("reinstalled");
            SshHost host = ownPool.host(target);
            assertThat(host.exec(TRUE, DEADLINE).exitCode()).isZero();
            Path hostPub = own.directory().resolve("ssh_host_ed25519_key.pub");
            String before = fingerprint(hostPub);

            own.regenerateHostKey();
            own.restart();
            String after = fingerprint(hostPub);
            SshHostKeyException e = catchThrowableOfType(SshHostKeyException.class, () -> host.exec(TRUE, DEADLINE));

            assertThat(e).isNotNull();
            assertThat(e.offeredFingerprint()).isEqualTo(after);
            assertThat(e.getMessage()).contains("reinstalled", "127.0.0.1:" + own.port(), before, after, "CHANGED",
                    "ssh-keygen -R");
        }
    }

    @Test
    void theSameTargetGivesTheSameHostAndReusesOneSession() {
        SshTarget target = sshd.target("reused");
        SshHost host = pool.host(target);
        assertThat(pool.host(sshd.target("reused"))).isSameAs(host);

        String first = host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText();
        String second = host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText();
        String fresh = host.execFresh(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText();

        assertThat(first).isNotBlank().isEqualTo(second);
        assertThat(fresh).isNotBlank().isNotEqualTo(first);
        assertThat(host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText()).isEqualTo(first);
    }

    @Test
    void aFreshSessionKeptByItsResultBecomesThePooledOneAndOneNotKeptIsClosed() {
        SshHost host = pool.host(sshd.target("kept"));
        String pooled = host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText();

        String dropped = host.execFresh(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE, r -> false).stdoutText();
        assertThat(host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText()).isEqualTo(pooled);
        String kept = host.execFresh(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE, r -> r.exitCode() == 0)
                .stdoutText();

        assertThat(dropped).isNotEqualTo(pooled);
        assertThat(kept).isNotEqualTo(pooled).isNotEqualTo(dropped);
        assertThat(host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText()).isEqualTo(kept);
        assertThat(host.agent(DEADLINE).exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText())
                .isEqualTo(kept);
    }

    @Test
    void aFreshSessionGoesOverTheConnectionWhoseBannerAProbeReadAndBecomesThePooledOneWhenKept() throws IOException {
        SshHost host = pool.host(sshd.target("banner"));
        Socket probe = new Socket();
        probe.connect(new InetSocketAddress(sshd.target("banner").host(), sshd.target("banner").port()), 5000);
        probe.setSoTimeout(5000);
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        while (!read.toString(java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("SSH-") || read.size() < 6) {
            int b = probe.getInputStream().read();
            assertThat(b).as("sshd's banner").isNotNegative();
            read.write(b);
        }

        String seen = host.execFresh(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE, r -> r.exitCode() == 0,
                new BannerConnection(probe, read.toByteArray())).stdoutText();

        assertThat(seen.split(" ")[1]).isEqualTo(Integer.toString(probe.getLocalPort()));
        assertThat(host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText()).isEqualTo(seen);
    }

    @Test
    void aSessionOverAProbesChannelOutlivesACallerInterruptedWhileItWrites() throws Exception {
        SshHost host = pool.host(sshd.target("steady"));
        // as the reboot's banner probes make it: a socket channel, its banner read, then blocking again
        java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open(
                new InetSocketAddress(sshd.target("steady").host(), sshd.target("steady").port()));
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
        while (!read.toString(java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("SSH-") || read.size() < 6) {
            one.clear();
            assertThat(probe.read(one)).as("sshd's banner").isPositive();
            read.write(one.array()[0]);
        }
        String seen = host.execFresh(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE, r -> r.exitCode() == 0,
                new BannerConnection(probe.socket(), read.toByteArray())).stdoutText();

        Thread.currentThread().interrupt();
        try {
            host.exec(RemoteCommand.shell("true"), DEADLINE);
        } catch (RuntimeException interruptedCall) {
            // how the call itself ends is not the point: the session under it must live on
        } finally {
            Thread.interrupted();
        }

        assertThat(probe.isOpen()).as("the probe's channel, not closed by the interrupt").isTrue();
        assertThat(host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText())
                .as("the same connection").isEqualTo(seen);
    }

    @Test
    void disconnectDropsThePooledSessionAndTheNextCallReconnects() {
        SshHost host = pool.host(sshd.target("dropped"));
        String first = host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText();

        host.disconnect();

        assertThat(host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText()).isNotEqualTo(first);
    }

    @Test
    void passwordsNeverAppearInToString() {
        SshTarget target = sshd.targetBuilder("secret").password("hunter2").build();

        assertThat(target.toString()).doesNotContain("hunter2").contains("***");
    }

    static void keygen(Path key) throws Exception {
        Process process = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    /** The SHA256 fingerprint as OpenSSH's ssh-keygen prints it. */
    static String fingerprint(Path publicKey) throws Exception {
        Process process = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.trim().split("\\s+")[1];
    }
}
