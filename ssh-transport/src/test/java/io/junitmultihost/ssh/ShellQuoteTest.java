package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellQuoteTest {

    @Test
    void plainWordsStayUnquoted() {
        assertThat(ShellQuote.quote("ls")).isEqualTo("ls");
        assertThat(ShellQuote.quote("/usr/bin/env")).isEqualTo("/usr/bin/env");
        assertThat(ShellQuote.quote("b,c:d@e%f+g")).isEqualTo("b,c:d@e%f+g");
    }

    @Test
    void anEqualsSignIsQuotedSoAFirstArgumentIsACommandNotAnAssignment(@TempDir Path dir) throws Exception {
        assertThat(ShellQuote.quote("FOO=x")).isEqualTo("'FOO=x'");
        Path command = dir.resolve("FOO=x");
        Files.writeString(command, "#!/bin/sh\nprintf 'the command ran with [%s]' \"$1\"\n");
        command.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", ShellQuote.join(List.of("FOO=x", "printf", "oops")));
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("the command ran with [printf]");
    }

    @Test
    void everythingElseIsSingleQuotedWithQuotesEscaped() {
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(ShellQuote.quote("two words")).isEqualTo("'two words'");
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellQuote.quote("$HOME")).isEqualTo("'$HOME'");
    }

    @Test
    void joinQuotesEachArgumentAndSeparatesThemByBlanks() {
        assertThat(ShellQuote.join(List.of("printf", "%s\\n", "a b"))).isEqualTo("printf '%s\\n' 'a b'");
    }

    @Test
    void aNulCharacterIsRefusedBecauseNoArgumentCanHoldIt() {
        assertThatThrownBy(() -> ShellQuote.quote("a\0b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
    }

    @Test
    void hostileArgumentsSurviveARealShellVerbatim() throws Exception {
        List<String> hostile = List.of("a b", "'", "\"", "$x", "${y}", "`id`", "$(id)", ";", "&&", "|", "\n", "\t",
                "\\", "*", "?", "~", "#", "!", "\u00e9\u4e2d\ud83d\ude00", "", " ", "-n", "'\"'\"'", "a'b'c");
        for (String shell : List.of("/bin/sh", "/bin/bash")) {
            List<String> argv = new ArrayList<>(List.of("printf", "<%s>"));
            argv.addAll(hostile);
            Process process = new ProcessBuilder(shell, "-c", ShellQuote.join(argv)).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

            StringBuilder expected = new StringBuilder();
            hostile.forEach(argument -> expected.append('<').append(argument).append('>'));
            assertThat(out).as(shell).isEqualTo(expected.toString());
        }
    }
}
