package io.junitmultihost.engine;

import io.junitmultihost.engine.internal.hosts.MustNotSkip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.fixtures.KilledSyncFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Sync across the test methods of a class, on embedded hosts and on the lab (real OpenSSH hosts in
 * namespaces; fails under CI=true when the lab cannot run): a process killed while it waits at a
 * syncpoint fails what expected it then, and a new process on the same host syncs in the next
 * test method. The processes are started the README's way, which returns at once, and the bare
 * {@code &} that holds the output open fails with a message saying so.
 */
class SyncThroughTheEngineIT {

    @ParameterizedTest(name = "on {0} hosts")
    @ValueSource(strings = {"embedded", "lab"})
    void aNewProcessSyncsInTheNextTestMethodAfterOneWasKilledWhileItWaited(String provider) {
        if (provider.equals("lab")) {
            MustNotSkip.requireLab();
        }
        Recorder.clear();

        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.provider", provider)
                .configurationParameter("multihost.hosts.timeout", "2m")
                .selectors(selectClass(KilledSyncFixture.class)).execute();

        // a failing fixture method's own exception says what went wrong; the statistics below do not
        results.testEvents().failed().stream().forEach(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0).aborted(0));
        List<String> events = Recorder.events();
        assertThat(events).hasSize(4);
        assertThat(events.get(1)).as("the first method's process was killed").endsWith(" killed");
        assertThat(events.get(2)).as("then a new process met the test JVM in the next method").endsWith(" met");
    }
}
