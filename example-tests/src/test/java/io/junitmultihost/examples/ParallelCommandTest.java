package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.Hosts;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.api.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One command on every host of a role at once, with a result per host. */
@Hosts(@Role(name = "worker", count = 3))
class ParallelCommandTest {

    @MultiHostTest
    void everyWorkerAnswersWithItsBootId(Cluster cluster, @Role("worker") List<Host> workers) {
        Map<String, String> bootIds = cluster.onRole("worker", Host::bootId, Duration.ofSeconds(30));

        assertThat(bootIds).containsOnlyKeys(workers.stream().map(Host::name).toList());
        assertThat(bootIds.values()).allMatch(id -> id.matches("[0-9a-f-]{36}"));
    }

    @MultiHostTest
    void aShellPipelineRunsOnEveryWorker(Cluster cluster, @Role("worker") List<Host> workers) {
        Map<String, String> counts = cluster.onRole("worker",
                host -> host.execShell("seq 1 1000 | grep -c 7").assertSuccess().stdout().strip(),
                Duration.ofSeconds(30));

        // 271 of the numbers 1 to 1000 have a 7; one answer from each of the three workers.
        assertThat(counts).hasSize(3).containsOnlyKeys(workers.stream().map(Host::name).toList());
        assertThat(counts.values()).containsOnly("271");
    }
}
