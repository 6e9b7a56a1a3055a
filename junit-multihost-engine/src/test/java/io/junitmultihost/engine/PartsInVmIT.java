package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.engine.fixtures.PartsInVmFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import java.util.List;
import org.assertj.core.api.Condition;
import io.junitmultihost.engine.internal.hosts.MustNotSkip;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * Parts inside remote JVMs, on embedded hosts and on the lab (fails under CI=true when the lab cannot
 * run): see {@link PartsInVmFixture}.
 */
class PartsInVmIT {

    private static Condition<Event> id(String text) {
        return new Condition<>(e -> e.getTestDescriptor().getUniqueId().toString().contains(text),
                "unique ID containing " + text);
    }

    @ParameterizedTest(name = "on {0} hosts")
    @ValueSource(strings = {"embedded", "lab"})
    void aPartRunsInARemoteJvmOnItsHostAndMeetsThePartsInTheTestJvm(String provider) {
        if (provider.equals("lab")) {
            MustNotSkip.requireLab();
        }
        Recorder.clear();
        String server = provider.equals("lab") ? "lab-1" : "host-1";

        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.provider", provider)
                .configurationParameter("multihost.hosts.timeout", "2m")
                .selectors(selectClass(PartsInVmFixture.class)).execute();

        results.testEvents().failed().stream().forEach(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        results.allEvents().assertThatEvents()
                .haveExactly(1, event(id("[distributed-test:in-vm]/[part:serverInItsJvm@" + server + "]"), finishedSuccessfully()))
                .haveExactly(2, event(id("[distributed-test:in-vm]/[part:client@"), finishedSuccessfully()))
                .haveExactly(1, event(id("[distributed-test:in-vm-broken]/[part:serverThatFailsInItsJvm@" + server + "]"),
                        finishedWithFailure(instanceOf(AssertionError.class),
                                message(m -> m.startsWith("the server failed in its JVM, pid ")
                                        && !m.endsWith(" " + ProcessHandle.current().pid())))))
                .haveExactly(2, event(id("[distributed-test:in-vm-broken]/[part:clientWaiting@"),
                        abortedWithReason(message(m -> m.startsWith("Aborted because part [server on " + server + "] failed")))));
        List<String> seen = Recorder.events();
        assertThat(seen).hasSize(2).allSatisfy(e -> assertThat(e).startsWith("in-vm server: server-part on " + server + " pid ").doesNotEndWith(" pid " + ProcessHandle.current().pid()));
    }
}
