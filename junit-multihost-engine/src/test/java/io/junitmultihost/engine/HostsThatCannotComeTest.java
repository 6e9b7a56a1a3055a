package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.engine;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.engine.fixtures.PairFixture;
import io.junitmultihost.engine.fixtures.QuorumFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.TooManyHostsFixture;
import io.junitmultihost.engine.fixtures.WatchedProviderFactory;
import io.junitmultihost.engine.fixtures.mixed.EngineStyle;
import io.junitmultihost.engine.fixtures.mixed.JupiterStyle;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.TestAbortedException;

/**
 * Hosts that can never come: more than the provider can ever give is a skip decided before any
 * host starts; a configuration the provider refuses fails the run once, not every class.
 */
class HostsThatCannotComeTest {

    @BeforeEach
    void clear() {
        Recorder.clear();
        WatchedProviderFactory.HOSTS_ASKED.set(0);
    }

    @Test
    void aClassNeedingMoreHostsThanTheProviderCanEverGiveStartsNoneAndIsAbortedSayingWhy() {
        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.provider", "watched")
                .selectors(selectClass(TooManyHostsFixture.class)).execute();

        String reason = "Class [" + TooManyHostsFixture.class.getName() + "] needs at least [33] hosts for role [node]"
                + " (count [40]), but provider [watched] can give at most [32], so none were started. Give the provider"
                + " more hosts (see its multihost.* settings) or lower the role's min.";
        results.containerEvents().assertThatEvents().haveExactly(1, event(container(TooManyHostsFixture.class),
                abortedWithReason(instanceOf(TestAbortedException.class), message(reason))));
        results.testEvents().assertThatEvents().haveExactly(1, event(test("allNodes"),
                abortedWithReason(instanceOf(TestAbortedException.class), message(reason))));
        // The embedded provider starts an SSH server only for hosts it is asked for.
        assertThat(WatchedProviderFactory.HOSTS_ASKED).hasValue(0);
        assertThat(Recorder.events()).isEmpty();
    }

    @Test
    void withShortfallFailAClassShortOfHostsFailsWithTheSameReasonInsteadOfBeingSkipped() {
        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.embedded.max-hosts", "1")
                .configurationParameter("multihost.hosts.shortfall", "fail")
                .selectors(selectClass(PairFixture.class), selectClass(QuorumFixture.class)).execute();

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(PairFixture.class),
                finishedWithFailure(instanceOf(io.junitmultihost.api.InfrastructureException.class),
                        instanceOf(HostUnavailableException.class), message(m -> m.startsWith(
                        "Infrastructure: Class [" + PairFixture.class.getName() + "] needs at least [2] hosts for role [pair]")
                        && m.endsWith("The class fails rather than being skipped because [multihost.hosts.shortfall] is [fail].")))));
        results.allEvents().assertStatistics(s -> s.aborted(0).skipped(0));
        assertThat(Recorder.events()).containsExactly("quorum 1");
    }

    @Test
    void aLabStateDirectoryTheLabRefusesFailsTheRunOnceNamingTheKeyItsValueAndTheFix() {
        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.provider", "lab")
                .configurationParameter("multihost.lab.state-dir", "/etc/junit-multihost-state")
                .selectors(selectClass(PairFixture.class), selectClass(QuorumFixture.class)).execute();

        results.allEvents().assertThatEvents().haveExactly(1, event(engine(), finishedWithFailure(
                instanceOf(ConfigurationException.class), message("Configuration parameter [multihost.lab.state-dir] is"
                        + " [/etc/junit-multihost-state], inside [/etc] which every host mounts its own over; choose a"
                        + " directory elsewhere, such as /run/junit-multihost-lab."))));
        results.allEvents().assertStatistics(s -> s.failed(1).aborted(0).skipped(0));
        results.testEvents().assertStatistics(s -> s.started(0));
        assertThat(Recorder.events()).isEmpty();
    }

    @Test
    void anInventoryThatDoesNotExistFailsARunOfBothEnginesOnceAndSkipsTheRestPointingToIt() {
        LauncherRun run = LauncherRun.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(EngineStyle.class), selectClass(JupiterStyle.class))
                .configurationParameter("multihost.provider", "inventory")
                .configurationParameter("multihost.inventory", "/nonexistent/fleet.yml").build());

        List<LauncherRun.Outcome> failed = run.outcomes.stream().filter(o -> o.result() != null
                && o.result().getStatus() == TestExecutionResult.Status.FAILED).toList();
        assertThat(failed).singleElement().satisfies(o -> assertThat(o.result().getThrowable().orElseThrow())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("The inventory [/nonexistent/fleet.yml] from [multihost.inventory=/nonexistent/fleet.yml]"
                        + " does not exist; check the path (relative paths are relative to the working directory ["
                        + java.nio.file.Path.of("").toAbsolutePath() + "])."));
        assertThat(run.outcomes).filteredOn(o -> o.skipReason() != null || (o.result() != null
                && o.result().getStatus() == TestExecutionResult.Status.ABORTED)).isNotEmpty()
                .allSatisfy(o -> assertThat(o.skipReason() != null ? o.skipReason()
                        : o.result().getThrowable().orElseThrow().getMessage())
                        .startsWith("Not run: the hosts' configuration is wrong, reported once for the run: The inventory"));
        assertThat(run.tests()).noneMatch(o -> o.result() != null
                && o.result().getStatus() == TestExecutionResult.Status.SUCCESSFUL);
        assertThat(Recorder.events()).isEmpty();
    }
}
