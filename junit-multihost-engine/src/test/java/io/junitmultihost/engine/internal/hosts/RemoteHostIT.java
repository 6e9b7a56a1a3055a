package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.CommandTimeoutException;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.RemoteCommandException;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Host handle over real SSH to embedded hosts. */
class RemoteHostIT {

    private static HostPool pool;
    private static HostLease lease;
    private static Host host;

    @BeforeAll
    static void leaseTwoHosts() {
        pool = HostPool.create(HostSettings.from(Map.of("multihost.exec.timeout", "20s")));
        lease = pool.lease(RemoteHostIT.class.getName(), List.of(new RoleDeclaration("node", 2, 2)));
        host = lease.cluster().role("node").get(0);
    }

    @AfterAll
    static void returnThem() {
        lease.close();
        pool.close();
    }

    @Test
    void argumentsGivenAsAListAreQuotedByTheLibrary() {
        ExecResult result = host.exec("printf", "%s|", "a b", "$HOME", "it's", "*", "; true");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("a b|$HOME|it's|*|; true|");
        assertThat(result.host()).isEqualTo("host-1");
        assertThat(result.duration()).isPositive();
    }

    @Test
    void aRawShellScriptIsASeparateExplicitCall() {
        assertThat(host.execShell("echo $((40 + 2)) && echo err >&2").stdout()).isEqualTo("42\n");
        assertThat(host.execShell("echo err >&2; exit 3").stderr()).isEqualTo("err\n");
    }

    @Test
    void aCommandCarriesEnvironmentDirectoryAndStandardInput(@TempDir Path dir) {
        ExecResult result = host.exec(Command.of("sh", "-c", "pwd; echo \"$GREETING\"; cat")
                .withEnv("GREETING", "hello there").withDirectory(dir.toString()).withStdin("from stdin"));

        assertThat(result.stdoutLines()).containsExactly(dir.toString(), "hello there", "from stdin");
    }

    @Test
    void aNonZeroExitIsAResultAndAssertSuccessNamesHostCommandAndExitCode() {
        ExecResult result = host.exec("sh", "-c", "echo broken >&2; exit 7");

        assertThat(result.exitCode()).isEqualTo(7);
        assertThatThrownBy(result::assertSuccess).isInstanceOf(RemoteCommandException.class)
                .hasMessageContaining("[host-1]").hasMessageContaining("exited with [7]").hasMessageContaining("broken");
    }

    @Test
    void aFailingCommandIsShownAsTheShellReadsItWithItsDurationInHumanForm() {
        ExecResult result = host.exec("sh", "-c", "echo some stdout; echo 'it failed' >&2; exit 3");

        assertThatThrownBy(result::assertSuccess).isInstanceOf(RemoteCommandException.class)
                .hasMessageMatching("Command \\[sh -c 'echo some stdout; echo '\\\\''it failed'\\\\'' >&2; exit 3'\\]"
                        + " on host \\[host-1\\] exited with \\[3\\] after \\[[0-9.]+ (ms|s)\\]; stderr: \\[it failed\\]");
    }

    @Test
    void aLongFailingCommandIsShownByItsFirst200CharactersAndHowMuchMore() {
        ExecResult result = host.execShell("exit 4; " + "x".repeat(300));

        assertThat(result.command()).isEqualTo("exit 4; " + "x".repeat(192) + "... (108 more bytes)");
        assertThatThrownBy(result::assertSuccess).hasMessageContaining("x... (108 more bytes)] on host [host-1]");
    }

    @Test
    void aCommandThatOutlivesItsDeadlineFailsInAboutTheDeadlineNamingHostAndCommandAndIsEnded() {
        Instant start = Instant.now();

        assertThatThrownBy(() -> host.exec(List.of("sleep", "31.7"), Duration.ofSeconds(1)))
                .isInstanceOf(CommandTimeoutException.class)
                .hasMessageContaining("host-1").hasMessageContaining("sleep 31.7").hasMessageContaining("[1 s]");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(host.exec("pgrep", "-f", "slee[p] 31[.]7").exitCode()).as("the remote sleep is gone").isEqualTo(1);
    }

    @Test
    void theBootIdIsAUuidOfTheHostsOwn() {
        String first = host.bootId();
        String second = lease.cluster().role("node").get(1).bootId();

        assertThat(first).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").isEqualTo(host.bootId());
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void theKernelCommandLineIsTheHostsOwnWithoutTheNewline() {
        assertThat(host.cmdline()).contains("multihost.host=host-1").doesNotEndWith("\n");
    }

    @Test
    void filesGoUpAndComeBackUnchanged(@TempDir Path dir) throws Exception {
        Path local = Files.writeString(dir.resolve("up.txt"), "payload\nline two\n");
        String remote = dir.resolve("remote-copy.txt").toString();

        host.upload(local, remote, Duration.ofSeconds(20));
        host.download(remote, dir.resolve("down.txt"), Duration.ofSeconds(20));

        assertThat(Files.readString(dir.resolve("down.txt"), StandardCharsets.UTF_8)).isEqualTo("payload\nline two\n");
        assertThat(host.exec("cat", remote).stdout()).isEqualTo("payload\nline two\n");
    }

    @Test
    void handlesSayWhatTheyAre() {
        assertThat(host.name()).isEqualTo("host-1");
        assertThat(host.address()).isEqualTo("127.0.0.1");
        assertThat(host.roles()).containsExactly("node");
        assertThat(host.labels()).containsEntry("provider", "embedded");
        assertThat(host.toString()).contains("host-1", "127.0.0.1", "node");
    }

    @Test
    void aCommandsLinesReachItsConsumerAsTheyArriveAndTheResultStillHasThemAll() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> at = new java.util.concurrent.CopyOnWriteArrayList<>();

        ExecResult result = host.exec(io.junitmultihost.api.Command.shell("echo first; echo oops >&2; sleep 1; echo last")
                .withLines(line -> {
                    seen.add(line.stream() + " " + line.text());
                    at.add(System.nanoTime());
                }));

        assertThat(seen).containsExactlyInAnyOrder("STDOUT first", "STDERR oops", "STDOUT last");
        assertThat(seen.get(seen.size() - 1)).isEqualTo("STDOUT last");
        assertThat(at.get(at.size() - 1) - at.get(0)).as("the first line came before the command's sleep ended")
                .isGreaterThan(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(result.stdout()).isEqualTo("first\nlast\n");
        assertThat(result.stderr()).isEqualTo("oops\n");
    }

    @Test
    void anEchoedCommandsLinesGoToTheLogPrefixedByItsHost() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            host.exec(io.junitmultihost.api.Command.shell("echo hello; echo trouble >&2").echoed()).assertSuccess();
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).as("logger io.junitmultihost.output is at INFO in src/test/resources/simplelogger.properties")
                .contains("[host-1] hello", "[host-1 err] trouble");
    }
}
