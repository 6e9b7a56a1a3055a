package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FanOutIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static LocalSshd sshd;
    private static SshPool pool;

    @BeforeAll
    static void start() {
        sshd = LocalSshd.shared();
        pool = SshPool.builder().fanOutThreads(8).build();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    private static List<SshHost> hosts(String prefix, int count) {
        List<SshHost> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            hosts.add(pool.host(sshd.target(prefix + i)));
        }
        return hosts;
    }

    @Test
    void aCommandRunsOnEveryHostAndEachHostHasItsResult() {
        List<SshHost> hosts = hosts("fan", 20);

        Map<SshHost, Outcome<RemoteResult>> results = pool.execEach(hosts, RemoteCommand.shell("echo $SSH_CLIENT"),
                DEADLINE);

        assertThat(results).hasSize(20);
        assertThat(results.keySet()).containsExactlyElementsOf(hosts);
        assertThat(results.values()).allSatisfy(outcome -> assertThat(outcome.value().exitCode()).isZero());
        assertThat(results.values().stream().map(outcome -> outcome.value().stdoutText()).distinct()).hasSize(20);
    }

    @Test
    void oneDeadHostFailsAloneAndTheOthersSucceed() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            deadPort = socket.getLocalPort();
        }
        List<SshHost> hosts = new ArrayList<>(hosts("mixed", 3));
        SshHost dead = pool.host(sshd.targetBuilder("dead").port(deadPort).build());
        hosts.add(1, dead);

        Map<SshHost, Outcome<RemoteResult>> results = pool.execEach(hosts, RemoteCommand.argv("true"), DEADLINE);

        assertThat(results.get(dead).failure()).get().isInstanceOf(SshConnectException.class);
        assertThat(results.entrySet()).filteredOn(entry -> entry.getKey() != dead)
                .allSatisfy(entry -> assertThat(entry.getValue().succeeded()).isTrue());
    }

    @Test
    void aHostThatHangsTimesOutWithoutHoldingUpTheOthers() {
        List<SshHost> hosts = hosts("hang", 4);
        long started = System.nanoTime();

        Map<SshHost, Outcome<String>> results = pool.onEach(hosts, DEADLINE, host -> {
            boolean slow = host == hosts.get(2);
            return host.exec(RemoteCommand.argv("sleep", slow ? "60" : "0"), Duration.ofSeconds(2)).stdoutText();
        });

        assertThat(results.get(hosts.get(2)).failure()).get().isInstanceOf(SshTimeoutException.class);
        assertThat(results.values()).filteredOn(Outcome::succeeded).hasSize(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void cancelOthersOnFailureStopsTheRestWhenOneFails() {
        List<SshHost> hosts = hosts("failfast", 4);
        String sleep = ExecIT.uniqueSleep();
        long started = System.nanoTime();

        Map<SshHost, Outcome<RemoteResult>> results = pool.onEach(hosts, DEADLINE, true, host -> {
            if (host == hosts.get(0)) {
                sleepQuietly(1000);
                throw new SshException("boom on purpose");
            }
            return host.exec(RemoteCommand.shell(sleep), Duration.ofSeconds(60));
        });

        assertThat(results.values()).noneMatch(Outcome::succeeded);
        assertThat(results.get(hosts.get(0)).failure().orElseThrow()).hasMessage("boom on purpose");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                hosts.get(1).exec(RemoteCommand.shell("ps -eo args | grep -cxF " + ShellQuote.quote(sleep)
                        + " || true"), DEADLINE).stdoutText().trim()).isEqualTo("0"));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
