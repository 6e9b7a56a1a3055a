package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.engine.fixtures.ExecFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Real commands on embedded hosts from tests the engine runs. */
class ExecThroughTheEngineIT {

    @Test
    void testsOfTheEngineRunRealCommandsOnTheirEmbeddedHosts() {
        Recorder.clear();

        EngineExecutionResults results = Kit.run(ExecFixture.class);

        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(Recorder.events()).containsExactlyInAnyOrder("exec on host-1", "boot ids 3");
    }
}
