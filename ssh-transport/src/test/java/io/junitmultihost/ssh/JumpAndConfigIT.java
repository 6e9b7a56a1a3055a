package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProxyJump, ~/.ssh/config-style files and ssh-agent, against real OpenSSH. */
class JumpAndConfigIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void aHostIsReachedThroughAJumpHost() {
        LocalSshd sshd = LocalSshd.shared();
        try (SshPool pool = SshPool.builder().useAgent(false).build()) {
            String jump = sshd.user() + "@127.0.0.1:" + sshd.port();
            // "localhost" is only ever resolved by the jump host, which connects to itself
            SshTarget behind = sshd.targetBuilder("behind-jump").proxyJump(jump)
                    .knownHosts(List.of(sshd.knownHostsLine(), sshd.knownHostsLine("localhost", sshd.port())))
                    .build();
            SshTarget viaJump = SshTarget.builder("behind-jump", "localhost").port(sshd.port()).user(sshd.user())
                    .identityFile(sshd.clientKey()).knownHosts(behind.knownHosts()).proxyJump(jump).build();

            RemoteResult result = pool.host(viaJump).exec(RemoteCommand.shell("echo $SSH_CONNECTION"), DEADLINE);

            assertThat(result.exitCode()).isZero();
            PooledSshHost jumpHost = pool.hostImpl(Connector.jumpTarget(viaJump, jump));
            assertThat(jumpHost.isConnected()).isTrue();
        }
    }

    @Test
    void anOpenSshConfigFileSuppliesHostNamePortAndKey(@TempDir Path dir) throws Exception {
        LocalSshd sshd = LocalSshd.shared();
        Path config = dir.resolve("config");
        Files.writeString(config, "Host db-alias\n  HostName 127.0.0.1\n  Port " + sshd.port() + "\n  IdentityFile "
                + sshd.clientKey() + "\n");
        try (SshPool pool = SshPool.builder().openSshConfig(config).useAgent(false).build()) {
            SshTarget target = SshTarget.builder("db", "db-alias").user(sshd.user())
                    .knownHosts(List.of(sshd.knownHostsLine())).build();

            assertThat(pool.host(target).exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).isZero();
        }
    }

    @Test
    void keysOfAnSshAgentAreUsedWhenNoKeyFileIsGiven(@TempDir Path dir) throws Exception {
        LocalSshd sshd = LocalSshd.shared();
        Path socket = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .start();
        try {
            // The socket file exists from bind() on, a moment before the agent listens: ssh-add then
            // exits 2 (no agent), so it is retried until the agent answers.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int exit;
            String output;
            do {
                Thread.sleep(50);
                ProcessBuilder add = new ProcessBuilder("ssh-add", sshd.clientKey().toString()).redirectErrorStream(true);
                add.environment().put("SSH_AUTH_SOCK", socket.toString());
                Process adding = add.start();
                output = new String(adding.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(adding.waitFor(10, TimeUnit.SECONDS)).isTrue();
                exit = adding.exitValue();
            } while (exit == 2 && System.nanoTime() < until);
            assertThat(exit).as(output).isZero();
            try (SshPool pool = SshPool.builder().agentSocket(socket).build()) {
                SshTarget target = sshd.targetBuilder("agent-user").identityFile(null).build();

                assertThat(pool.host(target).exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).isZero();
            }
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
