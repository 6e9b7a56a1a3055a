package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.ssh.fixtures.FreezableProxy;
import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connection health: cut links noticed by keepalive, idempotent commands retried after a drop. */
class HealthIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void aCutLinkIsNoticedByKeepaliveAndFailsTheRunningCommandAsSessionLost() throws Exception {
        LocalSshd sshd = LocalSshd.shared();
        try (FreezableProxy link = new FreezableProxy(sshd.port());
                SshPool pool = SshPool.builder().keepAlive(Duration.ofMillis(500), 2).build()) {
            SshHost host = pool.host(sshd.targetBuilder("cut-link").port(link.port())
                    .knownHosts(List.of(sshd.knownHostsLine("127.0.0.1", link.port()))).build());
            host.exec(RemoteCommand.argv("true"), DEADLINE);
            String started = "/tmp/jmh-cut-link-" + System.nanoTime();
            CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(() -> host.exec(
                    RemoteCommand.argv("sh", "-c", "touch \"$0\"; exec sleep 20", started), Duration.ofSeconds(60))));
            awaitFile(host, started);
            long cut = System.nanoTime();

            link.freezeOpenConnections();

            Throwable failure = call.get(30, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(SshSessionLostException.class).hasMessageContaining("cut-link");
            assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThan(Duration.ofSeconds(10));
            assertThat(host.exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).isZero();
            host.exec(RemoteCommand.argv("rm", "-f", started), DEADLINE);
        }
    }

    @Test
    void aCommandMarkedIdempotentRunsAgainAfterTheConnectionDrops() throws Exception {
        try (LocalSshd sshd = LocalSshd.start(); SshPool pool = SshPool.create()) {
            SshHost host = pool.host(sshd.target("flaky"));
            String marker = "/tmp/jmh-idempotent-" + System.nanoTime();
            RemoteCommand once = RemoteCommand.argv("sh", "-c",
                    "if [ -e \"$0\" ]; then echo second; else touch \"$0\"; sleep 20; fi", marker).idempotent();
            CompletableFuture<RemoteResult> call = CompletableFuture.supplyAsync(() -> host.exec(once, DEADLINE));
            awaitFile(host, marker);

            sshd.killConnections();

            assertThat(call.get(30, TimeUnit.SECONDS).stdoutText()).isEqualTo("second\n");
            host.exec(RemoteCommand.argv("rm", "-f", marker), DEADLINE);
        }
    }

    @Test
    void aCommandNotMarkedIdempotentIsNeverRunTwice() throws Exception {
        try (LocalSshd sshd = LocalSshd.start(); SshPool pool = SshPool.create()) {
            SshHost host = pool.host(sshd.target("flaky-once"));
            String counter = "/tmp/jmh-once-" + System.nanoTime();
            CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(() -> host.exec(
                    RemoteCommand.argv("sh", "-c", "echo x >> \"$0\"; sleep 20", counter), DEADLINE)));
            awaitFile(host, counter);

            sshd.killConnections();

            assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(SshSessionLostException.class);
            assertThat(host.exec(RemoteCommand.argv("wc", "-l", counter), DEADLINE).stdoutText()).startsWith("1 ");
            host.exec(RemoteCommand.argv("rm", "-f", counter), DEADLINE);
        }
    }

    /** Waits until the command under test has written {@code path} on {@code host}: it runs there now. */
    private static void awaitFile(SshHost host, String path) {
        await().atMost(DEADLINE).until(() -> host.exec(RemoteCommand.argv("test", "-e", path), DEADLINE).exitCode() == 0);
    }
}
