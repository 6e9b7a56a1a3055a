package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's snippets that embedded hosts cannot run (100 hosts, network faults), as pasted, on
 * lab hosts: run by {@code ./mvnw verify} as root (the lab-examples execution), not by the
 * examples command. A snippet that passes only when every role gets its full count fails here,
 * since the lab gives 100 hosts at most and RollingTest asks for 101.
 */
class ReadmeSnippetsLabTest {

    /** What runs of each snippet class on the lab: every test of it. */
    private static final Map<String, List<String>> RUN_ON_LAB = Map.of(
            "RollingTest", List.of(),
            "PartitionTest", List.of());

    @TempDir
    Path classes;

    @Test
    void theReadmeTestsThatNeedTheirOwnNetworkOrAHundredHostsPassOnTheLab() throws Exception {
        assertThat(ReadmeSnippetsTest.COMPILE_ONLY).as("README classes not run on embedded hosts")
                .containsKeys(RUN_ON_LAB.keySet().toArray(String[]::new));
        ReadmeSnippetsTest.runAndExpectEveryTestToPass(classes, RUN_ON_LAB, Map.of(
                "multihost.provider", "lab",
                "multihost.hosts.shortfall", "fail",
                "multihost.hosts.countdown", "2s"));
    }
}
