package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RemoteCommandTest {

    @Test
    void displayShowsTheCommandAsTheShellReadsIt() {
        assertThat(RemoteCommand.argv("echo", "a b").display()).isEqualTo("echo 'a b'");
        assertThat(RemoteCommand.argv("sh", "-c", "echo some stdout; echo 'oops' >&2; exit 3").display())
                .isEqualTo("sh -c 'echo some stdout; echo '\\''oops'\\'' >&2; exit 3'");
        assertThat(RemoteCommand.shell("ls | wc -l").display()).isEqualTo("ls | wc -l");
    }

    @Test
    void displayShowsALongCommandsFirst200CharactersAndHowManyBytesMore() {
        String script = "x".repeat(200) + "\u00e9".repeat(10);

        assertThat(RemoteCommand.shell(script).display()).isEqualTo("x".repeat(200) + "... (20 more bytes)");
        assertThat(RemoteCommand.shell("y".repeat(200)).display()).isEqualTo("y".repeat(200));
    }

    @Test
    void aLoneAmpersandStartsABackgroundJobButRedirectionsAndAndListsDoNot() {
        assertThat(RemoteCommand.shell("server --port 7000 &").startsBackgroundJob()).isTrue();
        assertThat(RemoteCommand.shell("a & b").startsBackgroundJob()).isTrue();
        assertThat(RemoteCommand.argv("sh", "-c", "sleep 9 &").startsBackgroundJob()).isTrue();
        assertThat(RemoteCommand.shell("a && b > log 2>&1 &> all <&3 |& c").startsBackgroundJob()).isFalse();
        assertThat(RemoteCommand.argv("echo", "&").startsBackgroundJob()).isFalse();
    }

    @Test
    void withersReturnNewInstancesAndLeaveTheOriginalAlone() {
        RemoteCommand base = RemoteCommand.argv("env");
        RemoteCommand changed = base.withEnv(Map.of("A", "1")).withDirectory("/tmp").withStdin(new byte[] {1});

        assertThat(base.env()).isEmpty();
        assertThat(base.directory()).isNull();
        assertThat(base.stdin()).isEmpty();
        assertThat(changed.env()).containsEntry("A", "1");
        assertThat(changed).isNotEqualTo(base).isEqualTo(RemoteCommand.argv("env").withEnv(Map.of("A", "1"))
                .withDirectory("/tmp").withStdin(new byte[] {1}));
    }

    @Test
    void stdinIsCopiedSoLaterChangesToTheArrayDoNotLeakIn() {
        byte[] input = {1, 2, 3};
        RemoteCommand command = RemoteCommand.argv("cat").withStdin(input);
        input[0] = 9;

        assertThat(command.stdin()).containsExactly(1, 2, 3);
    }

    @Test
    void invalidInputIsRefusedWithASentence() {
        assertThatThrownBy(() -> RemoteCommand.argv(List.of())).hasMessageContaining("at least one argument");
        assertThatThrownBy(() -> RemoteCommand.shell(" ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> RemoteCommand.argv("env").withEnv(Map.of("A-B", "1")))
                .hasMessageContaining("[A-B]");
    }

    @Test
    void theGeneratedScriptRunsInARealShellWithEnvironmentAndDirectory() throws Exception {
        RemoteCommand command = RemoteCommand.argv("sh", "-c", "printf '%s|%s' \"$V\" \"$(pwd)\"")
                .withEnv(Map.of("V", "$x 'y' `z`")).withDirectory("/tmp");
        Process process = new ProcessBuilder("/bin/sh", "-c", command.toScript()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(out).isEqualTo("$x 'y' `z`|/tmp");
    }

    @Test
    void theWrapperReportsItsPidOnStderrThenRunsTheCommand() throws Exception {
        String marker = RemoteScript.newMarker();
        Process process = new ProcessBuilder("/bin/bash", "-c",
                RemoteScript.wrap(RemoteCommand.shell("echo hi; exit 7"), marker)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(out).isEqualTo("hi\n");
        assertThat(err).matches(marker + " \\d+\\n");
        assertThat(process.exitValue()).isEqualTo(7);
    }
}
