package io.junitmultihost.engine.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    @TempDir
    Path dir;

    @Test
    void eachEventIsOneJsonLineAndNoTextCanEndThePagesScript() throws IOException {
        RunRecord record = new RunRecord();
        record.add("command.start", "host-1", "com.example.ATest", "id", 1L, "command", "echo '</script>\"\n\t'");
        record.add("command.end", "host-1", "com.example.ATest", "id", 1L, "exit", 0, "duration_ms", 12L, "gone", null);

        List<Path> files = RunReport.write(record, dir);

        List<String> lines = Files.readAllLines(dir.resolve(RunReport.EVENTS));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"t\":\"").endsWith("}")
                .contains("\"kind\":\"command.start\"", "\"host\":\"host-1\"", "\"owner\":\"com.example.ATest\"",
                        "\"command\":\"echo '\\u003c/script\\u003e\\\"\\n\\t'\"");
        assertThat(lines.get(1)).contains("\"exit\":0", "\"duration_ms\":12").doesNotContain("gone");
        String page = Files.readString(files.get(1));
        assertThat(page).contains("\"kind\":\"command.end\"").doesNotContain("/*EVENTS*/")
                .containsOnlyOnce("</script>\n</body>").doesNotContain("echo '</script>");
    }

    @Test
    void pastItsLimitTheRecordCountsWhatItDoesNotKeepAndSaysSo() throws IOException {
        RunRecord record = new RunRecord();
        for (int i = 0; i < RunRecord.LIMIT + 5; i++) {
            record.add("sync.arrived", "h", "");
        }

        RunReport.write(record, dir);

        assertThat(record.events()).hasSize(RunRecord.LIMIT);
        assertThat(record.dropped()).isEqualTo(5);
        assertThat(Files.readString(dir.resolve(RunReport.EVENTS))).contains("\"kind\":\"record.truncated\"",
                "\"dropped\":5");
    }

    @Test
    void eventsToldLateAreSortedInByTheirTime() {
        RunRecord record = new RunRecord();
        record.add("b", "", "");
        record.addAt(record.start().minusMillis(5), "a", "", "");

        assertThat(record.events()).extracting(e -> e.get("kind")).containsExactly("a", "b");
    }
}
