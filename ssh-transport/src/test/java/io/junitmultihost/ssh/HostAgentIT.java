package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HostAgentIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static SshPool pool;
    private static SshHost host;
    private static HostAgent agent;

    @BeforeAll
    static void start() {
        pool = SshPool.create();
        host = pool.host(LocalSshd.shared().target("agent-host"));
        agent = host.agent(DEADLINE);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void theAgentRunsResidentOnAHostWithAPosixShell() {
        assertThat(agent.isResident()).isTrue();
        assertThat(host.agent(DEADLINE)).isSameAs(agent);
    }

    @Test
    void hotCallsAnswerWhatThePlainCommandsSay() {
        assertThat(agent.bootId(DEADLINE))
                .isEqualTo(host.exec(RemoteCommand.argv("cat", "/proc/sys/kernel/random/boot_id"), DEADLINE)
                        .stdoutText().trim())
                .matches("[0-9a-f-]{36}");
        Uname uname = agent.uname(DEADLINE);
        assertThat(uname.sysname()).isEqualTo("Linux");
        assertThat(uname.nodename() + "\n" + uname.release() + "\n" + uname.machine() + "\n" + uname.version() + "\n")
                .isEqualTo(host.exec(RemoteCommand.shell("uname -n; uname -r; uname -m; uname -v"), DEADLINE)
                        .stdoutText());
        assertThat(agent.kernelCommandLine(DEADLINE) + "\n")
                .isEqualTo(host.exec(RemoteCommand.argv("cat", "/proc/cmdline"), DEADLINE).stdoutText());
    }

    @Test
    void statTellsFilesDirectoriesAndAbsentPathsApart() {
        String dir = "/tmp/jmh agent " + System.nanoTime();
        host.exec(RemoteCommand.argv("sh", "-c", "mkdir -p \"$0\" && printf 12345 > \"$0/f\" && chmod 640 \"$0/f\"",
                dir), DEADLINE);

        FileStat file = agent.stat(dir + "/f", DEADLINE).orElseThrow();
        assertThat(file.isRegularFile()).isTrue();
        assertThat(file.size()).isEqualTo(5);
        assertThat(file.mode()).isEqualTo(0640);
        assertThat(agent.stat(dir, DEADLINE).orElseThrow().isDirectory()).isTrue();
        assertThat(agent.stat(dir + "/missing", DEADLINE)).isEmpty();
        host.exec(RemoteCommand.argv("rm", "-rf", dir), DEADLINE);
    }

    @Test
    void commandsThroughTheAgentGiveTheSameResultsAsPlainChannels() {
        List<RemoteCommand> commands = List.of(
                RemoteCommand.shell("echo out; echo err >&2; exit 3"),
                RemoteCommand.argv("printf", "%s|", "a b", "it's", "$HOME", "`id`", "x\ny", ";", "\u00e9"),
                RemoteCommand.shell("printf 'no newline at the end'"),
                RemoteCommand.shell("printf '\\n\\n'; printf '\\n' >&2"),
                RemoteCommand.shell("head -c 300000 /dev/urandom | od -An | head -c 200000"),
                RemoteCommand.shell("printf '\\351\\377\\000x'"),
                RemoteCommand.argv("pwd").withDirectory("/tmp").withEnv(Map.of("A", "b c")),
                RemoteCommand.shell("printf %s \"$A\"").withEnv(Map.of("A", "x'y\"z")),
                RemoteCommand.shell("exit 0\n\n# a comment\n"),
                RemoteCommand.shell("kill -TERM $$; sleep 1"));
        for (RemoteCommand command : commands) {
            RemoteResult plain = host.exec(command, DEADLINE);
            RemoteResult viaAgent = agent.exec(command, DEADLINE);

            assertThat(viaAgent.exitCode()).as(command.display()).isEqualTo(plain.exitCode());
            if (!command.display().contains("urandom")) {
                assertThat(viaAgent.stdout()).as(command.display()).isEqualTo(plain.stdout());
            } else {
                assertThat(viaAgent.stdout()).hasSize(200000);
            }
            assertThat(viaAgent.stderr()).as(command.display()).isEqualTo(plain.stderr());
        }
    }

    @Test
    void aCommandWithStdinGoesOverAPlainChannel() {
        RemoteResult result = agent.exec(RemoteCommand.argv("cat").withStdin("fed".getBytes(StandardCharsets.UTF_8)),
                DEADLINE);

        assertThat(result.stdoutText()).isEqualTo("fed");
    }

    @Test
    void aCommandPastItsDeadlineIsEndedAndTheAgentKeepsServing() {
        String sleep = ExecIT.uniqueSleep();
        long started = System.nanoTime();

        SshTimeoutException e = catchThrowableOfType(SshTimeoutException.class,
                () -> agent.exec(RemoteCommand.shell("echo begun; " + sleep + " & " + sleep), Duration.ofSeconds(1)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("agent-host", sleep, "[1 s]", "ended");
        assertThat(new String(e.partialStdout(), StandardCharsets.UTF_8)).isEqualTo("begun\n");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(host.exec(RemoteCommand.shell("ps -eo args | grep -cxF " + ShellQuote.quote(sleep) + " || true"),
                DEADLINE).stdoutText().trim()).isEqualTo("0");
        assertThat(agent.exec(RemoteCommand.argv("echo", "still here"), DEADLINE).stdoutText())
                .isEqualTo("still here\n");
        assertThat(agent.isResident()).isTrue();
    }

    @Test
    void whileTheAgentIsBusyOtherCallsGoOverPlainChannels() throws Exception {
        CompletableFuture<RemoteResult> slow = CompletableFuture.supplyAsync(
                () -> agent.exec(RemoteCommand.argv("sleep", "4"), DEADLINE));
        Thread.sleep(300);
        long started = System.nanoTime();

        String bootId = agent.bootId(DEADLINE);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not after the agent's sleep")
                .isLessThan(Duration.ofMillis(3000));
        assertThat(bootId).isNotBlank();
        assertThat(slow.get().exitCode()).isZero();
    }

    @Test
    void theAgentStartsAgainAfterTheHostComesBack() {
        try (LocalSshd own = LocalSshd.start(); SshPool ownPool = SshPool.create()) {
            HostAgent ownAgent = ownPool.host(own.target("agent-reboot")).agent(DEADLINE);
            assertThat(ownAgent.isResident()).isTrue();

            own.restart();

            assertThat(ownAgent.exec(RemoteCommand.argv("echo", "back"), DEADLINE).stdoutText()).isEqualTo("back\n");
            assertThat(ownAgent.isResident()).isTrue();
        }
    }

    @Test
    void commandsThroughTheAgentAreForkedByItsResidentShellNotStartedBySshdEach() {
        // How much faster that is, is measured by benchmarks/run ssh-exec (agent_p50_ms against p50_ms).
        RemoteCommand parent = RemoteCommand.shell("echo $PPID; cat /proc/$PPID/comm");

        List<String> first = agent.exec(parent, DEADLINE).stdoutText().lines().toList();
        List<String> second = agent.exec(parent, DEADLINE).stdoutText().lines().toList();
        List<String> plain = host.exec(parent, DEADLINE).stdoutText().lines().toList();

        assertThat(agent.isResident()).isTrue();
        assertThat(first).as("the agent's shell loop").hasSize(2).element(1).isEqualTo("sh");
        assertThat(second).as("the same resident process for every command").isEqualTo(first);
        assertThat(plain).as("a plain channel: sshd starts the command").hasSize(2).element(1).asString()
                .startsWith("sshd");
        assertThat(plain.get(0)).isNotEqualTo(first.get(0));
    }
}
