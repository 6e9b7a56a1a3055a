package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kill script ({@link RemoteScript#killTree}) run here by a user who is not root and may not
 * use {@code sudo} (as root: {@code nobody}, through {@code runuser}), as on an embedded host run
 * by a developer: that user's own processes are ended all the same.
 */
class KillTreeScriptTest {

    private static final boolean ROOT = isRoot();

    @Test
    void aUserWithoutSudoEndsTheTreeOfItsOwnCommand() throws Exception {
        Process command = new ProcessBuilder(asUser("setsid", "sh", "-c", "echo $$; sleep 1234 & sleep 1235 & wait"))
                .redirectErrorStream(true).start();
        try {
            long shell = Long.parseLong(new BufferedReader(new InputStreamReader(command.getInputStream(), StandardCharsets.UTF_8))
                    .readLine().strip());
            Process kill = new ProcessBuilder(asUser("sh", "-c", RemoteScript.killTree(shell, 5)))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("the kill script ended").isTrue();
            assertThat(kill.exitValue()).isZero();
            assertThat(command.waitFor(5, TimeUnit.SECONDS)).as("the command's shell and both sleeps ended").isTrue();
        } finally {
            command.descendants().forEach(ProcessHandle::destroyForcibly);
            command.destroyForcibly();
        }
    }

    /** {@code argv} run as {@code nobody} when we are root, else as ourselves. */
    private static List<String> asUser(String... argv) {
        List<String> line = new ArrayList<>(ROOT ? List.of("runuser", "-u", "nobody", "--") : List.of());
        line.addAll(List.of(argv));
        return line;
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
