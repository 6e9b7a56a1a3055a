package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults on a server of our own: sshd killed mid-command, sshd restarted (as after a reboot). */
class ResilienceIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private LocalSshd sshd;
    private SshPool pool;

    @BeforeEach
    void start() {
        sshd = LocalSshd.start();
        pool = SshPool.builder().useAgent(false).keepAlive(Duration.ofSeconds(1), 2).build();
    }

    @AfterEach
    void stop() {
        pool.close();
        sshd.close();
    }

    @Test
    void sshdKilledMidCommandFailsTheCallQuicklyAsSessionLost() throws Exception {
        SshHost host = pool.host(sshd.target("victim"));
        host.exec(RemoteCommand.argv("true"), DEADLINE);
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
            try {
                host.exec(RemoteCommand.argv("sleep", "60"), Duration.ofSeconds(60));
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        Thread.sleep(1000);
        long killed = System.nanoTime();

        sshd.killConnections();

        Throwable failure = call.get(30, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(SshSessionLostException.class);
        assertThat(failure.getMessage()).contains("victim", "sleep 60", "Lost the connection");
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(10));
    }

    /**
     * A connection can break under JSch before it notices: a write that met the host's reset (the
     * host ended the connection) leaves the socket broken while the session still counts as up. The
     * next command's channel open then fails to write; the command did not run, so it runs on a new
     * connection rather than failing as refused ("Broken pipe").
     */
    @Test
    void aCommandRightAfterItsConnectionBrokeUnderJschRunsOnANewConnection() {
        SshHost host = pool.host(sshd.target("broken"));
        for (int i = 0; i < 20; i++) {
            host.exec(RemoteCommand.argv("true"), DEADLINE);
            ((PooledSshHost) host).sessions().forEach(SessionSockets::abort);

            assertThat(host.exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).as("command %d", i).isZero();
        }
    }

    @Test
    void thePoolReconnectsByItselfAfterSshdRestarts() {
        SshHost host = pool.host(sshd.target("rebooted"));
        String before = host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE).stdoutText();

        sshd.restart();

        RemoteResult after = host.exec(RemoteCommand.shell("echo \"$SSH_CLIENT\""), DEADLINE);
        assertThat(after.exitCode()).isZero();
        assertThat(after.stdoutText()).isNotBlank().isNotEqualTo(before);
    }

    @Test
    void aDownHostFailsToConnectAndTheSameHostObjectWorksOnceItIsBack() {
        SshHost host = pool.host(sshd.target("flapping"));
        host.exec(RemoteCommand.argv("true"), DEADLINE);

        sshd.kill();
        Throwable down = org.assertj.core.api.Assertions.catchThrowable(
                () -> host.exec(RemoteCommand.argv("true"), Duration.ofSeconds(5)));
        sshd.restart();

        assertThat(down).isInstanceOf(SshConnectException.class);
        assertThat(host.exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).isZero();
    }
}
