package io.junitmultihost.ssh;

import io.junitmultihost.testsupport.MustNotSkip;
import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabHost;
import io.junitmultihost.lab.LabOptions;
import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** ProxyJump (on lab hosts, as root), ~/.ssh/config-style files and ssh-agent, against real OpenSSH. */
class JumpAndConfigIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void aHostIsReachedThroughAJumpHost(@TempDir Path dir) throws Exception {
        try (Lab lab = startLab()) {
            LabHost jump = lab.hosts().get(0);
            LabHost target = lab.hosts().get(1);
            target.cutFromMachine();
            assertThat(canConnect(target.address())).as("a direct connection to the target").isFalse();
            String via = "root@" + jump.address() + ":22";
            SshTarget behind = SshTarget.builder("behind-jump", target.address()).port(22).user("root")
                    .identityFile(lab.clientKey()).knownHosts(List.of(jump.knownHostsLine(), target.knownHostsLine()))
                    .proxyJump(via).build();
            // The hop is a host of its own (ssh_config semantics): its key comes from its Host block, not from the target.
            Path config = Files.writeString(dir.resolve("config"), "Host " + jump.address() + "\n  IdentityFile " + lab.clientKey() + "\n");
            try (SshPool pool = SshPool.builder().useAgent(false).openSshConfig(config).build()) {
                RemoteResult result = pool.host(behind).exec(RemoteCommand.shell("echo $SSH_CLIENT; hostname"), DEADLINE);

                assertThat(result.exitCode()).isZero();
                List<String> seen = result.stdoutText().lines().toList();
                assertThat(seen.get(0)).as("the client the target's sshd saw: the jump host").startsWith(jump.address() + " ");
                assertThat(seen.get(1)).isEqualTo(target.name());
                assertThat(pool.hostImpl(Connector.jumpTarget(behind, via, com.jcraft.jsch.OpenSSHConfig.parseFile(config.toString())))
                        .isConnected()).isTrue();
            }
        }
    }

    /** Two lab hosts; fails when CI=true and the lab cannot run here, and skips (saying why) elsewhere. */
    private static Lab startLab() {
        try {
            return Lab.start(LabOptions.builder().hosts(2).build());
        } catch (ConfigurationException e) {
            MustNotSkip.reason().ifPresent(reason -> {
                throw new AssertionError(reason + " and the lab cannot run here: " + e.getMessage(), e);
            });
            throw new TestAbortedException("The lab cannot run here: " + e.getMessage(), e);
        }
    }

    private static boolean canConnect(String address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, 22), 2000);
            return true;
        } catch (IOException e) {
            return false;
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
