package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.SyncTimeoutFixture;
import io.junitmultihost.engine.internal.hosts.MustNotSkip;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A sync that times out says in one message who waits where and the last lines of each involved
 * host's logs, bounded, on embedded hosts and on the lab (fails under CI=true when the lab cannot
 * run): see {@link SyncTimeoutFixture}.
 */
class SyncTimeoutIT {

    @ParameterizedTest(name = "on {0} hosts")
    @ValueSource(strings = {"embedded", "lab"})
    void aTimeoutSaysWhoWaitsWhereAndTheLastLinesOfTheInvolvedHostsLogs(String provider) {
        if (provider.equals("lab")) {
            MustNotSkip.requireLab();
        }
        Recorder.clear();
        String first = provider.equals("lab") ? "lab-1" : "host-1";
        String second = provider.equals("lab") ? "lab-2" : "host-2";

        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.provider", provider)
                .configurationParameter("multihost.hosts.timeout", "2m")
                .selectors(selectClass(SyncTimeoutFixture.class)).execute();

        results.testEvents().failed().stream().forEach(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        results.testEvents().assertStatistics(s -> s.succeeded(3));
        String sync = Recorder.events().stream().filter(e -> e.startsWith("sync: ")).findFirst().orElseThrow();
        assertThat(sync).startsWith("sync: Syncpoint [meet]").contains("[" + second + "]")
                .contains("\n\nWho waits where in [" + SyncTimeoutFixture.class.getName() + "]:\n")
                .contains("\nLast lines of the involved hosts' logs:\n  [" + first + "] ~/.multihost/mh-sync.log:\n    ")
                .contains(" " + first + " sync meet --participants controller," + second + ": waiting (timeout 30s)\n")
                .contains("  [" + second + "] ~/.multihost/mh-sync.log: (none)\n")
                .contains("  [" + first + "] system log:");
        assertThat(sync.length()).as("bounded: %s", sync).isLessThan(4000);
        String cluster = Recorder.events().stream().filter(e -> e.startsWith("cluster: ")).findFirst().orElseThrow();
        assertThat(cluster).contains("were not ready within [2 s]")
                .contains("cluster states: {controller=ready, " + first + "=started}")
                .contains(" " + first + " state started role node address ");
        String plain = Recorder.events().stream().filter(e -> e.startsWith("plain: ")).findFirst().orElseThrow();
        assertThat(plain).as("a plain sync's result, thrown").contains("\n\nWho waits where in [")
                .contains("\nLast lines of the involved hosts' logs:\n  [" + first + "] ~/.multihost/mh-sync.log:");
        System.out.println(sync + "\n" + cluster + "\n" + plain);
    }
}
