package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.ssh.fixtures.LocalDropbear;
import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command whose SSH session goes while it runs (its client killed with SIGKILL, or sshd's
 * process for the connection killed) is ended on the host, on OpenSSH with the user's shell and on
 * dropbear with busybox {@code sh}; a command that ends by itself leaves nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionWatchIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** How soon a command whose session went must be gone from the host. */
    private static final Duration GONE = Duration.ofSeconds(5);

    private LocalSshd sshd;
    private LocalDropbear dropbear;
    private SshPool pool;

    @BeforeAll
    void startServers() {
        sshd = LocalSshd.start();
        dropbear = LocalDropbear.start();
        pool = SshPool.builder().useAgent(false).build();
    }

    @AfterAll
    void stopServers() {
        if (pool != null) {
            pool.close();
        }
        if (dropbear != null) {
            dropbear.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void aCommandWhoseSshClientIsKilledEndsOnAnOpenSshHost(@TempDir Path dir) throws Exception {
        commandEndsWhenItsClientIsKilled(dir, sshd.port(), sshd.user(), sshd.clientKey(), sshd.knownHostsLine());
    }

    @Test
    void aCommandWhoseSshClientIsKilledEndsOnADropbearHostWithBusyboxSh(@TempDir Path dir) throws Exception {
        commandEndsWhenItsClientIsKilled(dir, dropbear.port(), "root", dropbear.clientKey(), dropbear.knownHostsLine());
    }

    @Test
    void aCommandWhoseSshdProcessIsKilledEndsOnTheHostAndItsCallFailsAsLost() {
        SshHost host = pool.host(sshd.target("watched-openssh"));
        String tag = tag();
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(() ->
                host.exec(RemoteCommand.shell("sleep " + tag), DEADLINE)));
        await().atMost(DEADLINE).until(() -> !processesWith(tag).isEmpty());

        sshd.killConnections();

        assertThat(call.join()).isInstanceOf(SshSessionLostException.class);
        await().atMost(GONE).pollInterval(Duration.ofMillis(100)).until(() -> processesWith(tag).isEmpty());
    }

    @Test
    void aCommandWhoseDropbearProcessIsKilledEndsOnTheHost() {
        SshHost host = pool.host(dropbear.target("watched-dropbear"));
        String tag = tag();
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(() ->
                host.exec(RemoteCommand.shell("sleep " + tag), DEADLINE)));
        await().atMost(DEADLINE).until(() -> !processesWith(tag).isEmpty());

        dropbear.listener().children().forEach(ProcessHandle::destroyForcibly);

        assertThat(call.join()).isInstanceOf(SshSessionLostException.class);
        await().atMost(GONE).pollInterval(Duration.ofMillis(100)).until(() -> processesWith(tag).isEmpty());
    }

    @Test
    void commandsThatEndByThemselvesLeaveNoWatcherAndReadEndOfFileOnBothServers() {
        for (SshHost host : List.of(pool.host(sshd.target("plain-openssh")), pool.host(dropbear.target("plain-dropbear")))) {
            String tag = tag();
            RemoteResult result = host.exec(RemoteCommand.shell("cat; echo done # " + tag), DEADLINE);

            assertThat(result.exitCode()).as(host.target().describe()).isZero();
            assertThat(result.stdoutText()).as(host.target().describe()).isEqualTo("done\n");
            await().atMost(GONE).pollInterval(Duration.ofMillis(100)).until(() -> processesWith(tag).isEmpty());
        }
    }

    @Test
    void aBackgroundJobOfACommandThatExitedKeepsRunningOnBothServers() {
        for (SshHost host : List.of(pool.host(sshd.target("bg-openssh")), pool.host(dropbear.target("bg-dropbear")))) {
            String tag = tag();
            assertThat(host.exec(RemoteCommand.shell("sleep " + tag + " </dev/null >/dev/null 2>&1 &"), DEADLINE).exitCode()).isZero();
            try {
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !processesWith(tag).isEmpty());
            } finally {
                processesWith(tag).forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Runs the wrapped command through OpenSSH's client, as a test JVM of ours would, and kills the client. */
    private void commandEndsWhenItsClientIsKilled(Path dir, int port, String user, Path key, String knownHostsLine)
            throws IOException, InterruptedException {
        String tag = tag();
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), knownHostsLine + "\n");
        String request = RemoteScript.wrap(RemoteCommand.shell("sleep " + tag), RemoteScript.newMarker());
        Process client = new ProcessBuilder("ssh", "-T", "-i", key.toString(), "-p", Integer.toString(port),
                "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=yes",
                "-o", "LogLevel=ERROR", user + "@127.0.0.1", request).redirectErrorStream(true).start();
        try {
            await().atMost(DEADLINE).until(() -> processesWith(tag).stream().anyMatch(p -> p.pid() != client.pid())
                    || !client.isAlive());
            assertThat(client.isAlive()).as("the ssh client: " + new String(client.getInputStream().readNBytes(
                    client.isAlive() ? 0 : 4096), StandardCharsets.UTF_8)).isTrue();

            client.destroyForcibly(); // SIGKILL: the client sends nothing more, its socket closes
            client.waitFor(10, TimeUnit.SECONDS);

            await().atMost(GONE).pollInterval(Duration.ofMillis(100)).until(() -> processesWith(tag).isEmpty());
        } finally {
            client.destroyForcibly();
            processesWith(tag).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** A sleep's argument no other process has: 100000 s and a fraction. */
    private static String tag() {
        return "100000." + Math.floorMod(System.nanoTime(), 999_983);
    }

    /** This machine's processes whose command line holds {@code tag} (the servers run here). */
    private static List<ProcessHandle> processesWith(String tag) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(tag)).orElse(false)
                && p.pid() != ProcessHandle.current().pid()).toList();
    }
}
