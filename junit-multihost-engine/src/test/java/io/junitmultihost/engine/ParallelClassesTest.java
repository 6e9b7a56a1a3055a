package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.engine;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.rootCause;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.parallel.HostsInUse;
import io.junitmultihost.engine.fixtures.parallel.JupiterParallelOne;
import io.junitmultihost.engine.fixtures.parallel.JupiterParallelThree;
import io.junitmultihost.engine.fixtures.parallel.JupiterParallelTwo;
import io.junitmultihost.engine.fixtures.parallel.MeetingOne;
import io.junitmultihost.engine.fixtures.parallel.MeetingTwo;
import io.junitmultihost.engine.fixtures.parallel.ParallelOne;
import io.junitmultihost.engine.fixtures.parallel.ParallelThree;
import io.junitmultihost.engine.fixtures.parallel.ParallelTwo;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Classes in parallel on embedded hosts: the engine's switch runs them at once on hosts of their
 * own; a class queued behind the others longer than {@code multihost.hosts.timeout} still runs;
 * Jupiter's own parallel classes get the same from the shared pool. The lab's
 * {@code ParallelClassesOnLabIT} checks it from the hosts' side and cancels a run.
 */
class ParallelClassesTest {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void withTheSwitchClassesRunAtTheSameTimeEachOnHostsOfItsOwn() {
        HostsInUse.reset(2);

        EngineExecutionResults results = Kit.engine()
                .configurationParameter("multihost.execution.parallel.enabled", "true")
                .selectors(selectClass(MeetingOne.class), selectClass(MeetingTwo.class)).execute();

        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0).aborted(0));
        List<String> starts = Recorder.events().stream().filter(e -> e.startsWith("start ")).toList();
        assertThat(starts).hasSize(2);
        assertThat(hostsOf(starts.get(0))).doesNotContainAnyElementsOf(hostsOf(starts.get(1)));
        assertThat(Recorder.events()).noneMatch(e -> e.startsWith("shared") || e.startsWith("marked"));
    }

    @Test
    void aClassQueuedBehindOthersLongerThanTheHostsTimeoutStillRuns() {
        HostsInUse.reset(0);

        // Two hosts for three classes of two hosts each: two classes queue, for longer than the 1 s timeout.
        EngineExecutionResults results = Kit.engine()
                .configurationParameter("multihost.execution.parallel.enabled", "true")
                .configurationParameter("multihost.embedded.max-hosts", "2")
                .configurationParameter("multihost.hosts.timeout", "1s")
                .selectors(selectClass(ParallelOne.class), selectClass(ParallelTwo.class), selectClass(ParallelThree.class))
                .execute();

        results.testEvents().assertStatistics(s -> s.succeeded(3).failed(0).aborted(0));
        results.containerEvents().assertStatistics(s -> s.failed(0).aborted(0));
        List<String> events = Recorder.events();
        assertThat(events).noneMatch(e -> e.startsWith("shared") || e.startsWith("marked"));
        assertThat(events).filteredOn(e -> e.startsWith("start ") || e.startsWith("end ")).as("one class at a time on two hosts")
                .extracting(e -> e.split(" ")[0]).containsExactly("start", "end", "start", "end", "start", "end");
    }

    @Test
    void jupitersParallelClassesNeverShareAHostAndQueueWithoutDeadlockOrTimeout() {
        HostsInUse.reset(0);

        // Four hosts for three classes of two: one queues behind the others, beyond the 1 s timeout.
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("multihost.embedded.max-hosts", "4")
                .configurationParameter("multihost.hosts.timeout", "1s")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "same_thread")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "3")
                .selectors(selectClass(JupiterParallelOne.class), selectClass(JupiterParallelTwo.class),
                        selectClass(JupiterParallelThree.class))
                .execute();

        results.testEvents().assertStatistics(s -> s.succeeded(3).failed(0).aborted(0).skipped(0));
        results.containerEvents().assertStatistics(s -> s.failed(0).aborted(0).skipped(0));
        List<String> events = Recorder.events();
        assertThat(events).noneMatch(e -> e.startsWith("shared"));
        List<String> order = events.stream().filter(e -> e.startsWith("start ") || e.startsWith("end "))
                .map(e -> e.split(" ")[0]).toList();
        assertThat(order.subList(0, 2)).as("two classes at once").containsExactly("start", "start");
        assertThat(order).hasSize(6);
    }

    @Test
    void aBadParallelSettingFailsTheRunNamingIt() {
        EngineExecutionResults results = Kit.engine()
                .configurationParameter("multihost.execution.parallel.enabled", "true")
                .configurationParameter("multihost.execution.parallel.classes", "none")
                .selectors(selectClass(MeetingOne.class)).execute();

        // The platform wraps what the engine threw: the build is red, and the root cause names the parameter.
        results.allEvents().assertThatEvents().haveExactly(1, event(engine(), finishedWithFailure(
                rootCause(instanceOf(ConfigurationException.class), message("Configuration parameter"
                        + " [multihost.execution.parallel.classes] must be a whole number of at least 1, was [none].")))));
        assertThat(Recorder.events()).isEmpty();
    }

    private static List<String> hostsOf(String start) {
        String list = start.substring(start.indexOf('[') + 1, start.indexOf(']'));
        return List.of(list.split(", "));
    }
}
