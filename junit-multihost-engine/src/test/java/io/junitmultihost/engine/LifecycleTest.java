package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.engine.fixtures.ComposedRolesFixture;
import io.junitmultihost.engine.fixtures.DisabledClassFixture;
import io.junitmultihost.engine.fixtures.InheritedRolesFixture;
import io.junitmultihost.engine.fixtures.LifecycleFixture;
import io.junitmultihost.engine.fixtures.NamedAndTaggedFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.RepeatedRoleFixture;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

class LifecycleTest {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void oneInstanceRunsBeforeAllBeforeEachTestAfterEachAndAfterAllEvenWhenATestFails() {
        EngineExecutionResults results = Kit.run(LifecycleFixture.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        results.testEvents().assertThatEvents().haveExactly(1,
                event(test("fails"), finishedWithFailure(instanceOf(AssertionError.class), message(m -> m.contains("a failing test")))));
        results.containerEvents().assertThatEvents().haveExactly(1,
                event(container(LifecycleFixture.class), finishedSuccessfully()));
        List<String> events = Recorder.events();
        String instance = events.get(2).substring("beforeEach ".length());
        // Methods of one kind, and the tests, run in a deterministic order that is not the declaration order.
        assertThat(events.subList(0, 2)).containsExactlyInAnyOrder("staticBeforeAll host-1", "beforeAll " + instance);
        boolean passesFirst = events.get(3).startsWith("passes");
        String passes = "passes " + instance + " host-1";
        String fails = "fails " + instance;
        assertThat(events.subList(2, events.size())).containsExactly(
                "beforeEach " + instance, passesFirst ? passes : fails, "afterEach " + instance,
                "beforeEach " + instance, passesFirst ? fails : passes, "afterEach " + instance,
                "afterAll " + instance);
    }

    @Test
    void theClassReportsWhichHostsItGotThroughTheReportingEntries() {
        EngineExecutionResults results = Kit.run(LifecycleFixture.class);

        List<ReportEntry> entries = results.containerEvents().reportingEntryPublished()
                .map(e -> e.getRequiredPayload(ReportEntry.class)).toList();
        assertThat(entries).singleElement().satisfies(entry ->
                assertThat(entry.getKeyValuePairs()).containsEntry("multihost.hosts", "node=[host-1]"));
    }

    @Test
    void displayNamesShowInEventsAndADisabledTestIsSkippedWithItsReason() {
        EngineExecutionResults results = Kit.run(NamedAndTaggedFixture.class);

        results.containerEvents().assertThatEvents().haveExactly(1,
                event(container(NamedAndTaggedFixture.class), displayName("A named class"), finishedSuccessfully()));
        results.testEvents().assertThatEvents()
                .haveExactly(1, event(test("named"), displayName("a named test"), finishedSuccessfully()))
                .haveExactly(1, event(test("disabled"), skippedWithReason("waiting for the network team")));
        assertThat(Recorder.events()).containsExactlyInAnyOrder("named", "plain");
    }

    @Test
    void aDisabledClassIsSkippedWithoutLeasingHostsOrRunningAnything() {
        EngineExecutionResults results = Kit.run(DisabledClassFixture.class);

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(DisabledClassFixture.class),
                skippedWithReason("Class [" + DisabledClassFixture.class.getName() + "] is @Disabled")));
        assertThat(results.allEvents().filter(e -> e.getType() == EventType.STARTED).map(Event::getTestDescriptor)
                .filter(d -> !d.isRoot())).isEmpty();
        assertThat(Recorder.events()).isEmpty();
    }

    @Test
    void rolesComeFromASuperclassARepeatedRoleOrAComposedAnnotation() {
        EngineExecutionResults results = Kit.run(InheritedRolesFixture.class, RepeatedRoleFixture.class,
                ComposedRolesFixture.class);

        results.testEvents().assertStatistics(s -> s.succeeded(3).failed(0));
        assertThat(Recorder.events()).containsExactlyInAnyOrder("InheritedRolesFixture inherited host-1",
                "one=1 two=2", "left=1 right=1");
    }
}
