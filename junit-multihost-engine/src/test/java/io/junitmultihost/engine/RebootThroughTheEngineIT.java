package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.fixtures.RebootFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.jupiter.JupiterReboot;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Reboots, quorums and StateWait injected into engine and Jupiter tests. */
class RebootThroughTheEngineIT {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void anEngineTestRebootsItsHostsUnderAQuorumWatchedByAnInjectedStateWait() {
        EngineExecutionResults results = Kit.run(RebootFixture.class);

        results.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Recorder.events()).containsExactly("rebooted 3 of 3");
        assertThat(hostStates(results)).as("each host's reboot steps, as report entries of the class")
                .anyMatch(line -> line.startsWith("host-1: ") && line.contains("-> DOWN"))
                .anyMatch(line -> line.startsWith("host-3: ") && line.contains("-> READY, boot id "));
    }

    private static List<String> hostStates(EngineExecutionResults results) {
        return results.containerEvents().reportingEntryPublished()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("multihost.host-state"))
                .filter(java.util.Objects::nonNull).toList();
    }

    @Test
    void aJupiterTestGetsAStateWaitInjectedToo() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("multihost.embedded.reboot-down-time", "300ms")
                .selectors(selectClass(JupiterReboot.class)).execute();

        results.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Recorder.events()).containsExactly("jupiter rebooted host-1");
        assertThat(hostStates(results)).anyMatch(line -> line.startsWith("host-1: ") && line.contains("-> READY"));
    }
}
