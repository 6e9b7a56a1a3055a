package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.ProviderConfig;
import io.junitmultihost.sync.SyncServer;
import io.junitmultihost.sync.internal.Durations;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one duration rule (README "Durations"), held against all three places that read durations:
 * configuration keys ({@code ProviderConfig}), the sync server's requests ({@code Durations}) and
 * the real {@code mh-sync} script's flags (run by /bin/sh; a duration it accepts goes on to curl,
 * which finds no server and exits 3, one it refuses exits 2 with the sentence).
 */
class DurationSyntaxTest {

    private static final String RULE = "; write it as 500ms, 30s, 2m or 1h (units in lower case) or ISO-8601 PT30S.";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "[{0}] is {1}")
    @CsvSource(delimiter = '|', value = {
            "500ms | PT0.5S", "30s | PT30S", "2m | PT2M", "1h | PT1H", "0s | PT0S", "PT30S | PT30S",
            "pt1m | PT1M", "P1DT1H | PT25H"})
    void aDurationWithAUnitOrInIso8601IsReadAlikeEverywhere(String text, String expected) throws Exception {
        Duration d = Duration.parse(expected);

        assertThat(ProviderConfig.parseDuration("multihost.exec.timeout", text)).isEqualTo(d);
        assertThat(Durations.parse(text)).isEqualTo(d);
        assertThat(mhSync(text).exit).as("mh-sync accepts [%s] and goes on to the server", text).isEqualTo(3);
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @CsvSource(delimiter = '|', value = {
            "30 | has no unit", "-30 | has no unit", "30S | is not a duration", "30MS | is not a duration",
            "-5s | is negative", "-1m | is negative", "1.5s | is not a duration", "30 s | is not a duration",
            "' 30s' | is not a duration", "1d | is not a duration", "abc | is not a duration", "s | is not a duration",
            "99999999999999999999s | is not a duration"})
    void anythingElseIsRefusedAlikeEverywhereWithTheSameSentence(String text, String problem) throws Exception {
        String sentence = "[" + text + "] " + problem + RULE;

        assertThatThrownBy(() -> ProviderConfig.parseDuration("multihost.exec.timeout", text))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration parameter [multihost.exec.timeout] = " + sentence);
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Duration " + sentence);
        Run run = mhSync(text);
        assertThat(run.exit).as(run.err).isEqualTo(2);
        assertThat(run.err).isEqualTo("mh-sync: Duration " + sentence + "\n");
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @CsvSource(delimiter = '|', value = {"PT-5S | is negative", "P | is not a duration", "PT30X | is not a duration"})
    void anIso8601TextTheScriptPassesOnIsRefusedByTheServersRule(String text, String problem) {
        // mh-sync leaves ISO-8601 to the server, which reads it with Durations and answers 400 (mh-sync exit 2).
        String sentence = "[" + text + "] " + problem + RULE;
        assertThatThrownBy(() -> ProviderConfig.parseDuration("k", text)).hasMessage("Configuration parameter [k] = " + sentence);
        assertThatThrownBy(() -> Durations.parse(text)).hasMessage("Duration " + sentence);
    }

    private record Run(int exit, String err) {
    }

    /** Runs the real script's sync with {@code --timeout text} against a port where nothing listens. */
    private Run mhSync(String text) throws IOException, InterruptedException {
        Path script = dir.resolve("mh-sync");
        Files.writeString(script, SyncServer.script());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", script.toString(), "sync", "x", "--participants", "b",
                "--timeout", text);
        pb.environment().put("MH_SYNC_URL", "http://127.0.0.1:" + port);
        pb.environment().put("MH_SYNC_TOKEN", "token");
        pb.environment().put("MH_SYNC_AS", "a");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Path err = dir.resolve("err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mh-sync did not finish within 60 s.");
        }
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }
}
