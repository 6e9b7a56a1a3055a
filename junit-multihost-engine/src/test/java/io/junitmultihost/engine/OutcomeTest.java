package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.engine;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.fixtures.BadSignaturesFixture;
import io.junitmultihost.engine.fixtures.InvalidRolesFixture;
import io.junitmultihost.engine.fixtures.NoHostsFixture;
import io.junitmultihost.engine.fixtures.PairFixture;
import io.junitmultihost.engine.fixtures.QuorumFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.TestAbortedException;

class OutcomeTest {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void aRoleShortOfItsMinimumAbortsTheClassAndEachOfItsTestsWithTheReasonAtOnce() {
        Instant start = Instant.now();
        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.embedded.max-hosts", "1")
                .selectors(selectClass(PairFixture.class)).execute();

        String reason = "Class [" + PairFixture.class.getName() + "] needs at least [2] hosts for role [pair]"
                + " (count [2]), but provider [embedded] can give at most [1], so none were started. Give the provider more hosts"
                + " (see its multihost.* settings) or lower the role's min.";
        results.containerEvents().assertThatEvents().haveExactly(1, event(container(PairFixture.class),
                abortedWithReason(instanceOf(TestAbortedException.class), message(reason))));
        results.containerEvents().assertStatistics(s -> s.failed(0).aborted(1));
        // Surefire counts aborted tests as skipped; an aborted class alone it would not count at all.
        results.testEvents().assertThatEvents().haveExactly(1, event(test("bothHosts"),
                abortedWithReason(instanceOf(TestAbortedException.class), message(reason))));
        results.testEvents().assertStatistics(s -> s.started(1).aborted(1).failed(0));
        assertThat(Recorder.events()).isEmpty();
        // Nobody else held hosts, so there was nothing to wait for.
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aRoleWithItsMinimumButNotItsCountRunsWithWhatItGot() {
        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.embedded.max-hosts", "1")
                .selectors(selectClass(QuorumFixture.class)).execute();

        results.testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(Recorder.events()).containsExactly("quorum 1");
    }

    @Test
    void invalidRolesFailTheClassNamingEveryProblem() {
        EngineExecutionResults results = Kit.run(InvalidRolesFixture.class);

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(InvalidRolesFixture.class),
                finishedWithFailure(instanceOf(ConfigurationException.class),
                        message(m -> m.contains("[db] is declared twice") && m.contains("[app]") && m.contains("[web]")))));
        assertThat(Recorder.events()).isEmpty();
    }

    @Test
    void aClassWithTestsButNoHostsFailsSayingWhatToAdd() {
        EngineExecutionResults results = Kit.run(NoHostsFixture.class);

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(NoHostsFixture.class),
                finishedWithFailure(message("Class [" + NoHostsFixture.class.getName() + "] has @MultiHostTest"
                        + " or @MultiHostPart methods but declares no hosts; add @Hosts(@Role(name = \"...\", count = 1)) or @Role(...)"
                        + " to the class."))));
    }

    @Test
    void badTestMethodsFailOneByOneAndTheGoodOneStillRuns() {
        EngineExecutionResults results = Kit.run(BadSignaturesFixture.class);

        results.testEvents().assertStatistics(s -> s.succeeded(1).failed(3));
        results.testEvents().assertThatEvents()
                .haveExactly(1, event(test("privateTest"), finishedWithFailure(message(m -> m.contains("must not be private")))))
                .haveExactly(1, event(test("fine"), finishedSuccessfully()));
        assertThat(Recorder.events()).containsExactly("fine ran");
    }

    @Test
    void anUnknownProviderFailsTheEngineListingTheAvailableOnes() {
        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.provider", "nosuch")
                .selectors(selectClass(QuorumFixture.class)).execute();

        results.containerEvents().assertThatEvents().haveExactly(1, event(engine(), finishedWithFailure(
                instanceOf(ConfigurationException.class), message(m -> m.startsWith(
                        "No host provider named [nosuch] is on the class path; available: [")
                        && m.contains("embedded") && m.contains("Set [multihost.provider] to one of them")))));
        assertThat(Recorder.events()).isEmpty();
    }
}
