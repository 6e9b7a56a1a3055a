package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.api.TestDeadlineException;
import io.junitmultihost.engine.fixtures.PartsFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * Distributed tests on embedded hosts: parts run at once, one per host of their role, meet at
 * syncpoints and combine into one result; a failing part aborts the others' waits at once and they
 * are reported aborted because of it; past the deadline the parts are interrupted with diagnostics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributedTestIT {

    private EngineExecutionResults results;

    private Path report;

    @BeforeAll
    void run(@TempDir Path report) {
        this.report = report;
        Recorder.clear();
        results = Kit.engine().configurationParameter("multihost.provider", provider())
                .configurationParameter("multihost.report.dir", report.toString())
                .configurationParameter("multihost.hosts.timeout", "2m")
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(PartsFixture.class)).execute();
    }

    /** Where the hosts come from; {@link DistributedTestOnLabIT} runs the same on the lab. */
    String provider() {
        return "embedded";
    }

    /** The name of the fixture's first host of a role ({@code host-1}, {@code lab-1}). */
    String host(int n) {
        return (provider().equals("lab") ? "lab-" : "host-") + n;
    }

    /** An event of the descriptor whose unique ID contains {@code text}, e.g. {@code [part:server@host-1]}. */
    private static Condition<Event> id(String text) {
        return new Condition<>(e -> e.getTestDescriptor().getUniqueId().toString().contains(text),
                "unique ID containing " + text);
    }

    /** An event of a container whose unique ID contains {@code text}. */
    private static Condition<Event> container(String text) {
        return new Condition<>(e -> e.getTestDescriptor().isContainer()
                && e.getTestDescriptor().getUniqueId().toString().contains(text), "container " + text);
    }

    @Test
    void thePartsRunAtOnceOnePerHostOfTheirRoleAndEachIsAChildNamedByRoleAndHost() {
        results.allEvents().assertThatEvents()
                .haveExactly(1, event(container("[distributed-test:echo]"), displayName("echo"),
                        finishedSuccessfully()))
                .haveExactly(1, event(id("[part:server@" + host(1) + "]"), displayName("server on " + host(1)),
                        finishedSuccessfully()))
                .haveExactly(1, event(id("[part:client@" + host(2) + "]"), displayName("client on " + host(2)),
                        finishedSuccessfully()))
                .haveExactly(1, event(id("[part:client@" + host(3) + "]"), displayName("client on " + host(3)),
                        finishedSuccessfully()));
        assertThat(Recorder.events()).contains("server on " + host(1), "client on " + host(2), "client on " + host(3));
    }

    @Test
    void aPartThatFailsAbortsTheOthersWaitsAndTheyAreReportedAbortedBecauseOfIt() {
        results.allEvents().assertThatEvents()
                .haveExactly(1, event(id("[distributed-test:broken]/[part:serverThatFails@" + host(1) + "]"),
                        finishedWithFailure(instanceOf(AssertionError.class),
                                message("the server would not start on " + host(1)))))
                .haveExactly(2, event(id("[distributed-test:broken]/[part:clientThatWaits@"),
                        abortedWithReason(message(m -> m.startsWith("Aborted because part [server on " + host(1)
                                + "] failed: java.lang.AssertionError: the server would not start on " + host(1))))));
        List<Long> times = results.allEvents().list().stream()
                .filter(e -> e.getTestDescriptor().getUniqueId().toString().endsWith("[distributed-test:broken]"))
                .map(e -> e.getTimestamp().toEpochMilli()).toList();
        long brokenTook = times.get(times.size() - 1) - times.get(0);
        assertThat(brokenTook).as("the waiting clients were freed at once, not at their 60 s timeout").isLessThan(30_000);
    }

    @Test
    void partsPastTheirDeadlineAreInterruptedWithWhatTheyWereDoing() {
        results.allEvents().assertThatEvents()
                .haveExactly(2, event(id("[distributed-test:late]/[part:waitsForever@"),
                        finishedWithFailure(instanceOf(TestDeadlineException.class), message(m -> m.startsWith(
                                "Distributed test [PartsFixture.late] did not end within its deadline [2 s]")
                                && m.contains("PartsFixture.waitsForever(")))))
                .haveExactly(1, event(container("[distributed-test:late]"),
                        finishedWithFailure(instanceOf(TestDeadlineException.class))));
    }

    @Test
    void theRunsTimelineShowsTheTestsOwnSyncsAndTheAbortOfTheFailedPart() throws java.io.IOException {
        List<String> events = java.nio.file.Files.readAllLines(report.resolve("events.jsonl"));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"kind\":\"sync.aborted\"")
                .contains("part [server on " + host(1) + "] failed: java.lang.AssertionError"));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"kind\":\"sync.released\"")
                .contains("\"syncpoint\":\"up\""));
    }
}
