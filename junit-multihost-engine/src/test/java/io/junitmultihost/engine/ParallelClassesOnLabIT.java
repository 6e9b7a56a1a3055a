package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.parallel.AlsoRebootingWhenCancelled;
import io.junitmultihost.engine.fixtures.parallel.CleanAfterCancel;
import io.junitmultihost.engine.fixtures.parallel.HostsInUse;
import io.junitmultihost.engine.fixtures.parallel.ParallelOne;
import io.junitmultihost.engine.fixtures.parallel.ParallelThree;
import io.junitmultihost.engine.fixtures.parallel.ParallelTwo;
import io.junitmultihost.engine.fixtures.parallel.RebootingWhenCancelled;
import io.junitmultihost.engine.internal.MultiHostTestEngine;
import io.junitmultihost.engine.internal.hosts.HostPool;
import io.junitmultihost.engine.internal.hosts.MustNotSkip;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherExecutionRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Classes in parallel on real sshd hosts, checked from the hosts' side: each class marks its hosts
 * and finds no other class's marker there; a class queued behind the others for longer than
 * {@code multihost.hosts.timeout} still runs; a cancelled run returns promptly, its class waiting
 * for a reboot stops waiting and cleans up, its queued class never runs, and the next run in the
 * same launcher session finds the same hosts free and clean.
 */
class ParallelClassesOnLabIT {

    @BeforeEach
    void clear() {
        MustNotSkip.requireLab();
        Recorder.clear();
        HostsInUse.reset(0);
    }

    @Test
    void classesInParallelNeverShareAHostAsTheHostsSeeItAndOneQueuedLongerThanTheHostsTimeoutStillRuns() {
        // Four hosts for three classes of two: the third queues for a class's 5 s of work, beyond the 3 s timeout.
        HostsInUse.workSeconds = 5;

        EngineExecutionResults results = EngineTestKit.engine(MultiHostTestEngine.ENGINE_ID)
                .configurationParameter("multihost.provider", "lab")
                .configurationParameter("multihost.lab.hosts", "4")
                .configurationParameter("multihost.lab.max-hosts", "4")
                .configurationParameter("multihost.hosts.timeout", "3s")
                .configurationParameter("multihost.execution.parallel.enabled", "true")
                .selectors(selectClass(ParallelOne.class), selectClass(ParallelTwo.class), selectClass(ParallelThree.class))
                .execute();

        results.testEvents().assertStatistics(s -> s.succeeded(3).failed(0).aborted(0));
        results.containerEvents().assertStatistics(s -> s.failed(0).aborted(0));
        List<String> events = Recorder.events();
        assertThat(events).as("no class found another's marker on its hosts").noneMatch(e -> e.startsWith("marked"));
        assertThat(events).noneMatch(e -> e.startsWith("shared"));
        List<String> order = events.stream().filter(e -> e.startsWith("start ") || e.startsWith("end "))
                .map(e -> e.split(" ")[0]).toList();
        assertThat(order).as("two classes at once, the third after one ended").hasSize(6).startsWith("start", "start", "end");
    }

    @Test
    void aCancelledRunReturnsPromptlyStopsItsRebootWaitAndLeavesItsHostsCleanForTheNextRun() throws Exception {
        CancellationToken token = CancellationToken.create();
        try (LauncherSession session = LauncherFactory.openSession()) {
            LauncherRun cancelled = new LauncherRun();
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> session.getLauncher().execute(
                    LauncherExecutionRequestBuilder.request(request(RebootingWhenCancelled.class, AlsoRebootingWhenCancelled.class))
                            .listeners(cancelled).cancellationToken(token).build()));
            // Both classes need the same two hosts: one waits for its reboot, the other for the hosts.
            await().atMost(Duration.ofSeconds(120)).until(() -> Recorder.events().stream().anyMatch(e -> e.startsWith("preparing"))
                    && aClassWaitsForHosts());

            token.cancel();

            run.get(30, TimeUnit.SECONDS);
            List<String> events = Recorder.events();
            assertThat(events).filteredOn(e -> e.startsWith("preparing")).as("the queued class never ran").hasSize(1);
            assertThat(events).filteredOn(e -> e.startsWith("cleaned up")).as("the running class cleaned up").hasSize(1);
            assertThat(cancelled.outcomes).as("nothing failed: the cancelled work is aborted or skipped")
                    .noneMatch(o -> o.result() != null && o.result().getStatus() == TestExecutionResult.Status.FAILED);
            assertThat(cancelled.outcomes).as("the class that waited for hosts was aborted")
                    .anyMatch(o -> o.identifier().isContainer() && o.identifier().getDisplayName().endsWith("WhenCancelled")
                            && o.result() != null && o.result().getStatus() == TestExecutionResult.Status.ABORTED);

            LauncherRun next = new LauncherRun();
            session.getLauncher().execute(request(CleanAfterCancel.class), next);

            assertThat(next.tests()).singleElement().satisfies(o -> assertThat(o.result().getStatus())
                    .isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
            assertThat(Recorder.events()).filteredOn(e -> e.startsWith("left on ")).hasSize(2)
                    .allSatisfy(e -> assertThat(e).endsWith(": markers [], sleeps 0"));
        }
    }

    private static LauncherDiscoveryRequest request(Class<?>... classes) {
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(classes).map(DiscoverySelectors::selectClass).toList())
                .filters(EngineFilter.includeEngines(MultiHostTestEngine.ENGINE_ID))
                .configurationParameter("multihost.provider", "lab")
                .configurationParameter("multihost.lab.max-hosts", "2")
                .configurationParameter("multihost.lab.down-time", "1s")
                .configurationParameter("multihost.execution.parallel.enabled", "true")
                .build();
    }

    /** Whether one of the engine's class threads waits in the host pool. */
    private static boolean aClassWaitsForHosts() {
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            if (thread.getKey().getName().startsWith("multihost-class-") && Arrays.stream(thread.getValue())
                    .anyMatch(f -> f.getClassName().equals(HostPool.class.getName()) && f.getMethodName().equals("lease"))) {
                return true;
            }
        }
        return false;
    }
}
