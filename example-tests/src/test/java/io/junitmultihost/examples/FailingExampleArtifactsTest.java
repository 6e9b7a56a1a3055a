package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * What a user sees when a test fails: {@link EchoBenchmarkBarExample} (which fails on purpose, out of
 * the main job) run here through a launcher of its own fails, and its report holds the logs and
 * command output collected from both hosts, attached to the test.
 */
class FailingExampleArtifactsTest {

    @Test
    void aFailingTestsReportHoldsTheArtifactsCollectedFromItsHosts(@TempDir Path report) throws IOException {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        List<Path> attached = new CopyOnWriteArrayList<>();
        TestExecutionListener files = new TestExecutionListener() {
            @Override
            public void fileEntryPublished(TestIdentifier test, FileEntry file) {
                attached.add(file.getPath());
            }
        };
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(EchoBenchmarkBarExample.class))
                .configurationParameters(Map.of("multihost.report.dir", report.toString()))
                .build(), summary, files);

        TestExecutionSummary result = summary.getSummary();
        assertThat(result.getTotalFailureCount()).as("the client part fails on purpose").isEqualTo(1);
        assertThat(result.getFailures().get(0).getException()).hasMessageContaining("a bar set to fail");
        Path test = report.resolve("artifacts/EchoBenchmarkBarExample/echo-benchmark");
        List<Path> collected;
        try (Stream<Path> walk = Files.walk(test)) {
            collected = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(collected).as("the server's daemon log, from its host")
                .anySatisfy(f -> assertThat(f.toString()).endsWith("/files/lkp-echo.log"));
        assertThat(collected).as("the client's benchmark log, from its host")
                .anySatisfy(f -> assertThat(f).content().startsWith("requests=200 "));
        assertThat(collected.stream().filter(f -> f.getParent().getFileName().toString().equals("commands")))
                .as("uname -a from each host").hasSize(2);
        assertThat(attached).as("attached to the test, so the report links them").containsAll(collected);
    }
}
