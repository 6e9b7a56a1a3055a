package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExecIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static LocalSshd sshd;
    private static SshPool pool;
    private static SshHost host;

    @BeforeAll
    static void startSshd() {
        sshd = LocalSshd.shared();
        pool = SshPool.create();
        host = pool.host(sshd.target("exec-host"));
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Test
    void exitCodeStdoutAndStderrComeBackSeparately() {
        RemoteResult result = host.exec(RemoteCommand.shell("echo out; echo err >&2; exit 3"), DEADLINE);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdoutText()).isEqualTo("out\n");
        assertThat(result.stderrText()).isEqualTo("err\n");
        assertThat(result.duration()).isPositive();
    }

    @Test
    void stdinIsFedToTheCommandThenClosed() {
        byte[] input = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);

        RemoteResult result = host.exec(RemoteCommand.argv("cat").withStdin(input), DEADLINE);

        assertThat(result.stdout()).isEqualTo(input);
    }

    @Test
    void aCommandReadingStdinWithoutInputSeesEndOfFile() {
        RemoteResult result = host.exec(RemoteCommand.argv("wc", "-c"), DEADLINE);

        assertThat(result.stdoutText().trim()).isEqualTo("0");
    }

    @Test
    void environmentVariablesReachTheCommandVerbatim() {
        String hostile = "a b'c\"$HOME`id`;\n\u00e9";
        RemoteResult result = host.exec(RemoteCommand.argv("sh", "-c", "printf %s \"$GREETING\"")
                .withEnv(Map.of("GREETING", hostile)), DEADLINE);

        assertThat(result.stdoutText()).isEqualTo(hostile);
    }

    @Test
    void theCommandRunsInTheGivenDirectory() {
        RemoteResult result = host.exec(RemoteCommand.argv("pwd").withDirectory("/tmp"), DEADLINE);

        assertThat(result.stdoutText()).isEqualTo("/tmp\n");
    }

    @Test
    void aMissingDirectoryFailsTheCommandWithoutRunningIt() {
        RemoteResult result = host.exec(RemoteCommand.argv("touch", "/tmp/should-not-exist-jmh")
                .withDirectory("/nonexistent dir"), DEADLINE);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderrText()).contains("nonexistent dir");
    }

    @Test
    void hostileArgumentsComeBackVerbatimThroughPrintf() {
        List<String> hostile = List.of("plain", "two words", "it's", "\"double\"", "$HOME", "${PATH}", "`id`",
                "$(id)", "a;b", "a && b", "a|b", "line1\nline2", "tab\there", "back\\slash", "*", "?", "~",
                "#comment", "unicode \u00e9\u4e2d\ud83d\ude00", "", " ", "-n", "--", "!bang", "<in>", "&");
        for (String argument : hostile) {
            RemoteResult result = host.exec(RemoteCommand.argv("printf", "%s", argument), DEADLINE);

            assertThat(result.stdoutText()).as("argument [%s]", argument).isEqualTo(argument);
            assertThat(result.exitCode()).isZero();
        }
    }

    @Test
    void manyHostileArgumentsInOneCommandKeepTheirBoundaries() {
        List<String> argv = new ArrayList<>(List.of("printf", "<%s>"));
        argv.addAll(List.of("a b", "", "'", "\"", "$x", "`y`", "\n", ";", "\u00e9"));

        RemoteResult result = host.exec(RemoteCommand.argv(argv), DEADLINE);

        assertThat(result.stdoutText()).isEqualTo("<a b><><'><\"><$x><`y`><\n><;><\u00e9>");
    }

    @Test
    void binaryAndNonUtf8OutputComesBackByteForByte() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        RemoteResult result = host.exec(RemoteCommand.argv("cat").withStdin(all), DEADLINE);

        assertThat(result.stdout()).isEqualTo(all);
        RemoteResult latin1 = host.exec(RemoteCommand.shell("printf '\\351\\377\\000x'"), DEADLINE);
        assertThat(latin1.stdout()).containsExactly(0xe9, 0xff, 0x00, 'x');
    }

    @Test
    void megabytesOfOutputArriveComplete() {
        RemoteResult result = host.exec(RemoteCommand.shell("head -c 8388608 /dev/zero; head -c 1048576 /dev/zero >&2"),
                Duration.ofSeconds(60));

        assertThat(result.stdout()).hasSize(8 * 1024 * 1024);
        assertThat(result.stderr()).hasSize(1024 * 1024);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void outputBeyondTheCaptureLimitIsDroppedNotBuffered() {
        try (SshPool small = SshPool.builder().maxCapturedBytes(1000).build()) {
            RemoteResult result = small.host(sshd.target("small-capture"))
                    .exec(RemoteCommand.shell("head -c 100000 /dev/zero"), DEADLINE);

            assertThat(result.stdout()).hasSize(1000);
            assertThat(result.exitCode()).isZero();
        }
    }

    @Test
    void commandThatOutlivesItsDeadlineFailsNamingHostCommandAndDeadlineAndIsEndedRemotely() {
        String tag = uniqueSleep();
        long started = System.nanoTime();

        SshTimeoutException timeout = catchThrowableOfType(SshTimeoutException.class,
                () -> host.exec(RemoteCommand.shell("echo started; " + tag + " & " + tag + "; : done"),
                        Duration.ofSeconds(2)));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(timeout).isNotNull();
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(timeout.getMessage()).contains("exec-host", "127.0.0.1:" + sshd.port(), tag, "[2 s]",
                "process group");
        assertThat(new String(timeout.partialStdout(), StandardCharsets.UTF_8)).isEqualTo("started\n");
        RemoteResult ps = host.exec(RemoteCommand.shell("ps -eo args | grep -F -- '" + tag + "' | grep -v grep"),
                DEADLINE);
        assertThat(ps.stdoutText()).isEmpty();
    }

    @Test
    void aBackgroundJobHoldingTheOutputFailsTheCommandAtItsDeadlineSayingSoAndWhatToWriteInstead() {
        String tag = uniqueSleep();

        SshTimeoutException timeout = catchThrowableOfType(SshTimeoutException.class,
                () -> host.exec(RemoteCommand.shell("echo started; " + tag + " &"), Duration.ofSeconds(2)));

        assertThat(timeout).isNotNull();
        assertThat(timeout.getMessage()).contains("did not finish within [2 s]",
                "Its shell had exited with status [0], but a process it started in the background still held the"
                        + " command's output open",
                "nohup CMD > CMD.log 2>&1 < /dev/null &");
        RemoteResult ps = host.exec(RemoteCommand.shell("ps -eo args | grep -F -- '" + tag + "' | grep -v grep"),
                DEADLINE);
        assertThat(ps.stdoutText()).as("the background job was ended with the command").isEmpty();
    }

    @Test
    void aBackgroundJobWithOutputAndInputOfItsOwnLetsTheCommandReturnWhileItRuns() {
        String tag = uniqueSleep();

        RemoteResult result = host.exec(RemoteCommand.shell("nohup " + tag + " > /dev/null 2>&1 < /dev/null & echo $!"),
                DEADLINE);

        assertThat(result.exitCode()).isZero();
        String pid = result.stdoutText().strip();
        assertThat(host.exec(RemoteCommand.argv("kill", pid), DEADLINE).exitCode()).as("the job still ran").isZero();
    }

    @Test
    void aCommandWhoseOwnShellHangsIsNotBlamedOnItsBackgroundJob() {
        String tag = uniqueSleep();

        SshTimeoutException timeout = catchThrowableOfType(SshTimeoutException.class,
                () -> host.exec(RemoteCommand.shell(tag + " & " + tag), Duration.ofSeconds(1)));

        assertThat(timeout.getMessage()).contains("find out why the command hangs").doesNotContain("nohup");
    }

    @Test
    void aCommandKilledBySignalReportsExitCode128PlusTheSignal() {
        RemoteResult result = host.exec(RemoteCommand.shell("kill -KILL $$"), DEADLINE);

        assertThat(result.exitCode()).isEqualTo(137);
    }

    @Test
    void theHostAnswersAfterATimeout() {
        assertThatThrownBy(() -> host.exec(RemoteCommand.argv("sleep", "30"), Duration.ofMillis(500)))
                .isInstanceOf(SshTimeoutException.class);

        assertThat(host.exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).isZero();
    }

    @Test
    void commandsRunAsAnotherUserThroughSudoWithTheirEnvironmentAndDirectory() {
        RemoteResult result = host.exec(RemoteCommand.shell("id -un; pwd; printf %s \"$WHO\"")
                .withEnv(Map.of("WHO", "it's me"))
                .withDirectory("/tmp")
                .asUser("nobody"), DEADLINE);

        assertThat(result.exitCode()).as(result.stderrText()).isZero();
        assertThat(result.stdoutText()).isEqualTo("nobody\n/tmp\nit's me");
    }

    @Test
    void aCommandRunThroughSudoIsEndedOnDeadlineToo() {
        String tag = uniqueSleep();

        assertThatThrownBy(() -> host.exec(RemoteCommand.shell(tag + " & " + tag + "; : done").asUser("nobody"),
                Duration.ofSeconds(1))).isInstanceOf(SshTimeoutException.class);

        RemoteResult ps = host.exec(RemoteCommand.shell("ps -eo args | grep -F -- '" + tag + "' | grep -v grep"),
                DEADLINE);
        assertThat(ps.stdoutText()).isEmpty();
    }

    /** A sleep command whose text no other process has, to find its processes with ps. */
    @Test
    void quoteHeavyArgumentsAreQuotedOnceSo30KBOfQuotesStillFitOnACommandLine() {
        String quotes = "'".repeat(30_000);

        RemoteResult result = host.exec(RemoteCommand.argv("printf", "%s", quotes), DEADLINE);

        assertThat(result.exitCode()).as(result.stderrText()).isZero();
        assertThat(result.stdoutText()).isEqualTo(quotes);
    }

    @Test
    void argumentsReachTheCommandVerbatimInEveryFormOfCommand() {
        String hostile = "a b'c\"$HOME`id`;\n\u00e9 -- =x \\ '\"'";
        RemoteResult plain = host.exec(RemoteCommand.argv("printf", "%s|", hostile, "FOO=bar"), DEADLINE);
        RemoteResult inDirectory = host.exec(RemoteCommand.argv("printf", "%s|", hostile, "FOO=bar")
                .withDirectory("/tmp").withEnv(Map.of("X", hostile)), DEADLINE);
        RemoteResult script = host.exec(RemoteCommand.shell("printf '%s|' \"$X\" \"$(pwd)\"").withDirectory("/tmp")
                .withEnv(Map.of("X", hostile)), DEADLINE);

        RemoteResult throughSudo = host.exec(RemoteCommand.argv("sh", "-c", "printf '%s|' \"$@\" \"$X\" \"$(pwd)\"",
                "sh", hostile).withDirectory("/tmp").withEnv(Map.of("X", hostile)).asUser("nobody"), DEADLINE);

        assertThat(throughSudo.stdoutText()).as(throughSudo.stderrText()).isEqualTo(hostile + "|" + hostile + "|/tmp|");
        assertThat(plain.stdoutText()).isEqualTo(hostile + "|FOO=bar|");
        assertThat(inDirectory.stdoutText()).isEqualTo(hostile + "|FOO=bar|");
        assertThat(script.stdoutText()).isEqualTo(hostile + "|/tmp|");
    }

    @Test
    void aCommandTooLargeForACommandLineIsRefusedBeforeAnythingIsSentWithAShortMessage() throws Exception {
        java.util.concurrent.CompletableFuture<RemoteResult> other = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> host.exec(RemoteCommand.shell("sleep 2; echo still here"), DEADLINE));
        String big = "x".repeat(300_000);

        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> host.exec(RemoteCommand.argv("printf", "%s", big), DEADLINE));

        assertThat(refused).isInstanceOf(IllegalArgumentException.class);
        assertThat(refused.getMessage()).contains("exec-host", "131071", "stdin").containsPattern("is \\[30[0-9]{4}\\] bytes")
                .hasSizeLessThan(1000);
        assertThat(other.get(30, java.util.concurrent.TimeUnit.SECONDS).stdoutText()).isEqualTo("still here\n");
    }

    static String uniqueSleep() {
        return "sleep " + (100000 + Math.floorMod(System.nanoTime(), 800000)) + "." + Math.floorMod(System.nanoTime(), 997);
    }
}
