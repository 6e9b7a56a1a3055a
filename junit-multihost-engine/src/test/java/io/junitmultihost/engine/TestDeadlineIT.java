package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.InfrastructureException;
import io.junitmultihost.api.TestDeadlineException;
import io.junitmultihost.engine.fixtures.DeadlineFixture;
import io.junitmultihost.engine.fixtures.PairFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.jupiter.JupiterDeadline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A test past its deadline fails with what it was doing, who waited where and its remote JVMs'
 * threads, gathered before its work was ended; and infrastructure failures are told apart.
 */
class TestDeadlineIT {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void aTestPastItsDeadlineFailsWithWhatItsThreadItsSyncsAndItsRemoteJvmsWereDoing() {
        EngineExecutionResults results = Kit.run(DeadlineFixture.class);

        results.testEvents().assertThatEvents().haveExactly(1, event(test("waitsAtASyncpointNobodyElseReaches"),
                finishedWithFailure(instanceOf(TestDeadlineException.class), message(m -> m.startsWith(
                        "Test [DeadlineFixture.waitsAtASyncpointNobodyElseReaches(Cluster, Host)] did not end within its"
                        + " deadline [3 s]; it was interrupted and ended.")
                        && m.contains("What the test was doing:\nThread [multihost-test DeadlineFixture.")
                        && m.contains("DeadlineFixture.waitsAtASyncpointNobodyElseReaches(")
                        && m.contains("syncpoint [never-reached]: arrived [controller], not released")
                        && m.contains("The class's remote JVMs:\nVM vm-1 (dumped on host-1") && m.contains("Thread dump of the VM:")))));
    }

    @Test
    void aCommandATestPastItsDeadlineWaitsForIsEndedOnItsHost() {
        EngineExecutionResults results = Kit.run(DeadlineFixture.class);

        results.testEvents().assertThatEvents().haveExactly(1, event(test("waitsForALongCommand"),
                finishedWithFailure(instanceOf(TestDeadlineException.class), message(m -> m.contains(
                        "did not end within its deadline [2 s]; it was interrupted and ended.")))));
        assertThat(Recorder.events()).containsExactly("sleeping afterwards: 0");
    }

    @Test
    void aTimeoutThatIsNoDurationIsRefusedNamingTheMethod() {
        EngineExecutionResults results = Kit.engine()
                .selectors(selectClass(io.junitmultihost.engine.fixtures.BadDeadlineFixture.class)).execute();

        results.testEvents().assertThatEvents().haveExactly(1, event(test("badTimeout"),
                finishedWithFailure(instanceOf(ConfigurationException.class), message(m -> m.contains("badTimeout")
                        && m.contains("@MultiHostTest(timeout)") && m.contains("[soon]")))));
    }

    @Test
    void aJupiterTestPastTheConfiguredDeadlineFailsWithWhatItWasDoing() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("multihost.test.timeout", "2s")
                .selectors(selectClass(JupiterDeadline.class)).execute();

        results.testEvents().assertThatEvents().haveExactly(1, event(test("waitsForALongCommand"),
                finishedWithFailure(instanceOf(TestDeadlineException.class), message(m -> m.startsWith(
                        "Test [JupiterDeadline.waitsForALongCommand(Host)] did not end within its deadline [2 s]")
                        && m.contains("JupiterDeadline.waitsForALongCommand(")))));
    }

    @Test
    void aProviderThatCannotStartAHostFailsTheClassAsAnInfrastructureFailure() {
        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.provider", "silent")
                .configurationParameter("multihost.test.broken", "no space left on the image store")
                .selectors(selectMethod(PairFixture.class, "bothHosts", "java.util.List")).execute();

        results.containerEvents().assertThatEvents().haveExactly(1, event(
                finishedWithFailure(instanceOf(InfrastructureException.class), message(m -> m.startsWith(
                        "Infrastructure: Provider [silent] could not give hosts for role [pair] of class ["
                        + PairFixture.class.getName() + "]") && m.contains("no space left on the image store")))));
    }
}
