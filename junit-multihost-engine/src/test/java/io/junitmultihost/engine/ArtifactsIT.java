package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.fixtures.ArtifactsFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Artifacts on failure, from embedded hosts: collected from every host before the teardown that
 * removes them, into a folder per test and host, attached to the test; a rebooted host also gives
 * its previous boot's journal (or says it keeps none); a passing test collects nothing unless
 * always is configured.
 */
class ArtifactsIT {

    @TempDir
    Path report;

    private EngineExecutionResults run(String when) {
        return Kit.engine().configurationParameter("multihost.report.dir", report.toString())
                .configurationParameter("multihost.artifacts.when", when)
                .selectors(selectClass(ArtifactsFixture.class)).execute();
    }

    private Path folder(String test) {
        return report.resolve("artifacts").resolve("ArtifactsFixture").resolve(test);
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void aFailedTestsFilesAndCommandsAreCollectedFromEveryHostBeforeItsTeardownAndAttached() throws IOException {
        EngineExecutionResults results = run("on-failure");

        results.testEvents().assertStatistics(stats -> stats.failed(2).succeeded(1));
        Path test = folder("failsAfterWritingLogs");
        for (String host : List.of("host-1", "host-2")) {
            assertThat(test.resolve(host).resolve("files/art-1.log")).hasContent("line-a");
            assertThat(test.resolve(host).resolve("files/art-2.log")).hasContent("line-b");
            assertThat(files(test.resolve(host).resolve("commands"))).hasSize(2)
                    .anySatisfy(f -> assertThat(f).content().startsWith("collected for the class on "))
                    .anySatisfy(f -> assertThat(f).content().startsWith("line-a\n").contains("--- exit status 0 ---"));
        }
        List<Path> attached = results.allEvents().fileEntryPublished().stream()
                .map(e -> e.getPayload(FileEntry.class).orElseThrow().getPath()).toList();
        assertThat(attached).containsAll(files(test));
        assertThat(files(folder("passes"))).as("a passing test collects nothing by default").isEmpty();
    }

    @Test
    void aFailedDistributedTestsArtifactsAreCollectedFromEveryHostOfItsPartsIntoAFolderNamedByTheTest()
            throws IOException {
        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.report.dir", report.toString())
                .selectors(selectClass(io.junitmultihost.engine.fixtures.PartsArtifactsFixture.class)).execute();

        results.testEvents().assertStatistics(stats -> stats.failed(1).succeeded(1));
        Path test = report.resolve("artifacts/PartsArtifactsFixture/serving");
        assertThat(test.resolve("host-1/files/parts-art-server.log")).hasContent("served");
        assertThat(test.resolve("host-2/files/parts-art-client.log")).hasContent("no answer");
        assertThat(files(test.resolve("host-2/commands"))).singleElement()
                .satisfies(f -> assertThat(f).content().startsWith("the client part asked for this"));
        assertThat(results.allEvents().fileEntryPublished().stream()
                .map(e -> e.getPayload(FileEntry.class).orElseThrow().getPath())).containsAll(files(test));
    }

    @Test
    void aHostThatRebootedDuringTheTestAlsoGivesItsPreviousBootsJournalOrSaysItKeepsNone() throws IOException {
        run("on-failure");

        assertThat(folder("failsAfterItsHostRebooted").resolve("host-1/previous-boot-journal.txt")).content()
                .startsWith("The host rebooted during the test (boot id [");
        assertThat(folder("failsAfterItsHostRebooted").resolve("host-2/previous-boot-journal.txt")).doesNotExist();
        assertThat(folder("failsAfterItsHostRebooted").resolve("host-1/files"))
                .isDirectoryContaining(p -> p.getFileName().toString().startsWith("NONE-FOUND"));
    }

    @Test
    void withAlwaysAPassingTestsArtifactsAreCollectedToo() throws IOException {
        run("always");

        assertThat(files(folder("passes"))).isNotEmpty();
    }

    @Test
    void aFailedJupiterTestsArtifactsAreCollectedBeforeItsAfterEachAndAttached(@TempDir Path attachments)
            throws IOException {
        EngineExecutionResults results = org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
                .configurationParameter("multihost.report.dir", report.toString())
                .outputDirectoryCreator(new TempOutputDirectories(attachments))
                .selectors(selectClass(io.junitmultihost.engine.fixtures.jupiter.JupiterArtifacts.class)).execute();

        results.testEvents().assertStatistics(stats -> stats.failed(1));
        assertThat(report.resolve("artifacts/JupiterArtifacts/failsAfterWritingALog/host-1/files/jupiter-art.log"))
                .hasContent("from jupiter");
        assertThat(results.allEvents().fileEntryPublished().stream()
                .map(e -> e.getPayload(FileEntry.class).orElseThrow().getPath().getFileName().toString()))
                .contains("files__jupiter-art.log");
    }
}
