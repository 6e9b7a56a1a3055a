package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.fixtures.TimelineFixture;
import io.junitmultihost.engine.internal.report.RunReport;
import io.junitmultihost.testsupport.MustNotSkip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The run's report from a real run on embedded hosts: events.jsonl holds every host's commands,
 * leases and the tests' ends, both files are attached to the engine's result, and the timeline page
 * loads in a real headless browser (Debian's chromium) without an error, one lane per host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimelineIT {

    private static final Pattern HOST = Pattern.compile("\"host\":\"([^\"]+)\"");

    @TempDir
    static Path dir;

    private EngineExecutionResults results;
    private List<String> lines;

    @BeforeAll
    void runTheFixture() throws IOException {
        results = Kit.engine().configurationParameter("multihost.report.dir", dir.toString())
                .selectors(selectClass(TimelineFixture.class)).execute();
        lines = Files.readAllLines(dir.resolve(RunReport.EVENTS));
    }

    private List<String> kind(String kind) {
        return lines.stream().filter(l -> l.contains("\"kind\":\"" + kind + "\"")).toList();
    }

    private static Set<String> hosts(List<String> events) {
        Set<String> hosts = new TreeSet<>();
        for (String line : events) {
            Matcher host = HOST.matcher(line);
            if (host.find()) {
                hosts.add(host.group(1));
            }
        }
        return hosts;
    }

    @Test
    void theEventsFileHoldsEveryHostsLeaseAndCommandsAndEveryTestsEnd() {
        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));

        assertThat(hosts(kind("lease"))).hasSize(2);
        assertThat(hosts(kind("release"))).isEqualTo(hosts(kind("lease")));
        assertThat(hosts(kind("command.start"))).isEqualTo(hosts(kind("lease")));
        assertThat(kind("command.end")).hasSize(kind("command.start").size())
                .anyMatch(l -> l.contains("\"exit\":3"));
        assertThat(kind("test.end")).hasSize(2)
                .anyMatch(l -> l.contains("\"status\":\"FAILED\"") && l.contains("the timeline marks this failure"))
                .anyMatch(l -> l.contains("\"status\":\"SUCCESSFUL\""));
        assertThat(lines).allMatch(l -> l.startsWith("{\"t\":\"") && l.endsWith("}"));
    }

    @Test
    void bothFilesAreAttachedToTheEnginesResult() {
        List<Path> attached = results.allEvents().fileEntryPublished().stream()
                .map(e -> e.getPayload(FileEntry.class).orElseThrow().getPath()).toList();

        assertThat(attached).containsExactlyInAnyOrder(dir.resolve(RunReport.EVENTS).toAbsolutePath(),
                dir.resolve(RunReport.TIMELINE).toAbsolutePath());
    }

    @Test
    void theTimelineLoadsInAHeadlessBrowserWithoutErrorsAndALanePerHost() throws Exception {
        String chromium = chromium();
        Path page = dir.resolve(RunReport.TIMELINE).toAbsolutePath();
        Path screenshot = Path.of("target", "timeline-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);

        String dom = browse(chromium, "--dump-dom", page.toUri().toString());
        browse(chromium, "--screenshot=" + screenshot, "--window-size=1400,420", page.toUri().toString());

        assertThat(dom).contains("data-ready=\"true\"", "data-errors=\"0\"",
                "data-lanes=\"" + hosts(kind("lease")).size() + "\"", "data-events=\"" + lines.size() + "\"");
        assertThat(dom).containsPattern("data-failures=\"[1-9]");
        assertThat(Files.size(screenshot)).as("the screenshot kept in target/").isGreaterThan(1000);
    }

    @Test
    void aJupiterClassRecordsItsTestsAndGetsTheReportAttached(@TempDir Path jupiterDir, @TempDir Path attachments)
            throws IOException {
        EngineExecutionResults jupiter = org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
                .configurationParameter("multihost.report.dir", jupiterDir.toString())
                .outputDirectoryCreator(new TempOutputDirectories(attachments))
                .selectors(selectClass(io.junitmultihost.engine.fixtures.jupiter.JupiterShort.class)).execute();

        jupiter.testEvents().assertStatistics(stats -> stats.succeeded(1));
        jupiter.containerEvents().assertStatistics(stats -> stats.failed(0));
        List<String> events = Files.readAllLines(jupiterDir.resolve(RunReport.EVENTS));
        assertThat(events).anyMatch(l -> l.contains("\"kind\":\"test.start\"") && l.contains("needsTwo"))
                .anyMatch(l -> l.contains("\"kind\":\"test.end\"") && l.contains("\"status\":\"SUCCESSFUL\""))
                .anyMatch(l -> l.contains("\"kind\":\"lease\""));
        assertThat(jupiter.allEvents().fileEntryPublished().stream()
                .map(e -> e.getPayload(FileEntry.class).orElseThrow().getPath().getFileName().toString()))
                .containsExactlyInAnyOrder(RunReport.EVENTS, RunReport.TIMELINE);
    }

    private static String chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String problem = "no headless browser: install Debian's chromium (scripts/install-prerequisites does, as root)";
        MustNotSkip.cannotRun(problem);
        return null;
    }

    private static String browse(String chromium, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--virtual-time-budget=5000"));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile("chromium", ".out");
        try {
            Process browser = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile()).start();
            if (!browser.waitFor(60, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
                throw new AssertionError("chromium did not finish within 60 s: " + command);
            }
            assertThat(browser.exitValue()).as("chromium's exit status for " + command).isZero();
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
