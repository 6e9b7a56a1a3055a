package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamingIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static SshPool pool;
    private static SshHost host;

    @BeforeAll
    static void start() {
        pool = SshPool.create();
        host = pool.host(LocalSshd.shared().target("streaming-host"));
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void linesReachTheConsumerAsTheyArriveNotAtTheEnd() {
        List<OutputLine> seen = new CopyOnWriteArrayList<>();
        RemoteProcess process = host.start(RemoteCommand.shell("echo first; sleep 30; echo never"), DEADLINE,
                seen::add);

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        assertThat(seen).containsExactly(new OutputLine(OutputLine.Source.STDOUT, "first"));
        assertThat(process.isDone()).isFalse();
        process.cancel();
    }

    @Test
    void stdoutAndStderrLinesAreTaggedAndTheLastLineWithoutNewlineIsKept() {
        List<OutputLine> seen = new CopyOnWriteArrayList<>();

        RemoteResult result = host.exec(RemoteCommand.shell("echo a; echo b >&2; printf 'c\\r\\nd'"), DEADLINE,
                seen::add);

        assertThat(seen).containsExactlyInAnyOrder(new OutputLine(OutputLine.Source.STDOUT, "a"),
                new OutputLine(OutputLine.Source.STDERR, "b"), new OutputLine(OutputLine.Source.STDOUT, "c"),
                new OutputLine(OutputLine.Source.STDOUT, "d"));
        assertThat(result.stdoutText()).isEqualTo("a\nc\r\nd");
    }

    @Test
    void manyLinesArriveInOrder() {
        List<String> seen = new CopyOnWriteArrayList<>();

        host.exec(RemoteCommand.argv("seq", "1", "5000"), DEADLINE, line -> seen.add(line.text()));

        assertThat(seen).hasSize(5000).startsWith("1", "2").endsWith("5000");
    }

    @Test
    void aSlowConsumerLosesLinesInsteadOfStallingTheConnection() {
        List<String> seen = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();

        host.exec(RemoteCommand.argv("seq", "1", "100000"), DEADLINE, line -> {
            if (seen.isEmpty()) {
                sleep(2000);
            }
            seen.add(line.text());
        });

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(seen).anyMatch(line -> line.contains("lines dropped because the line consumer was slower"));
        assertThat(host.exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).isZero();
    }

    @Test
    void aRemoteLogIsFollowedWhileTheTestRuns() {
        String log = "/tmp/jmh-tail-" + System.nanoTime() + ".log";
        host.exec(RemoteCommand.argv("sh", "-c", "echo old > \"$0\"", log), DEADLINE);
        List<String> seen = new CopyOnWriteArrayList<>();
        RemoteProcess tail = host.tail(log, DEADLINE, line -> seen.add(line.text()));
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                host.exec(RemoteCommand.argv("sh", "-c", "echo appended >> \"$0\"", log), DEADLINE);
                return seen.contains("appended");
            });
            assertThat(seen).doesNotContain("old");
        } finally {
            tail.cancel();
            host.exec(RemoteCommand.argv("rm", "-f", log), DEADLINE);
        }
        assertThat(tail.isDone()).isTrue();
    }

    @Test
    void anAsyncCommandCanBeAwaitedAndGivesItsResult() {
        RemoteProcess process = host.start(RemoteCommand.shell("sleep 0.3; echo done; exit 4"), DEADLINE);

        RemoteResult result = process.await();

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.stdoutText()).isEqualTo("done\n");
        assertThat(process.future()).isCompletedWithValue(result);
    }

    @Test
    void awaitingForAWhileLeavesARunningCommandAlone() {
        RemoteProcess process = host.start(RemoteCommand.shell("echo partial; sleep 30"), DEADLINE);

        assertThat(process.await(Duration.ofMillis(500))).isEmpty();
        assertThat(process.isDone()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> process.stdoutSoFar().length > 0);
        assertThat(new String(process.stdoutSoFar(), StandardCharsets.UTF_8)).isEqualTo("partial\n");
        process.cancel();
    }

    @Test
    void cancelEndsTheRemoteProcessGroup() {
        String sleep = ExecIT.uniqueSleep();
        RemoteProcess process = host.start(RemoteCommand.shell(sleep + " & " + sleep), DEADLINE);
        await().atMost(Duration.ofSeconds(10)).until(() -> countProcesses(sleep) == 2);

        process.cancel();

        assertThat(process.isDone()).isTrue();
        assertThatThrownBy(process::await).isInstanceOf(CancellationException.class);
        assertThat(countProcesses(sleep)).isZero();
    }

    @Test
    void anAsyncCommandIsEndedAtItsDeadline() {
        String sleep = ExecIT.uniqueSleep();
        RemoteProcess process = host.start(RemoteCommand.shell(sleep), Duration.ofSeconds(1));

        assertThatThrownBy(process::await).isInstanceOf(SshTimeoutException.class).hasMessageContaining("[1 s]");
        assertThat(countProcesses(sleep)).isZero();
    }

    private static int countProcesses(String text) {
        String out = host.exec(RemoteCommand.shell("ps -eo args | grep -cxF " + ShellQuote.quote(text)
                + " || true"), DEADLINE).stdoutText().trim();
        return Integer.parseInt(out);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
