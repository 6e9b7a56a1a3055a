package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.round;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.api.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * suite: 10 test classes of the engine, each needing 2 hosts and doing about 5 s of remote work
 * ({@code sleep 5} on both its hosts at once), on 20 lab hosts, run through the real launcher one
 * class at a time and with {@code multihost.execution.parallel.enabled}. One launcher session holds
 * the lab for every run, so no run pays for starting hosts: a warm-up run (parallel, no work)
 * starts the 20 hosts and connects to each, then the runs are timed in turn, serial first, from
 * the engine starting to the engine finishing. {@code ratio} is serial / parallel wall time (the
 * bar is 5); the overheads are wall time beyond the classes' own work: for serial beyond its sum,
 * for parallel beyond the sum spread over the classes that fit on the hosts at once.
 */
public final class SuiteBenchmark {

    private static final int CLASSES = 10;
    private static final int HOSTS = 20;
    /** Seconds of remote work per class; 0 in the warm-up. */
    private static volatile int workSeconds;
    /** Nanoseconds each class spent on its own work in the current run. */
    private static final ConcurrentLinkedQueue<Long> WORK = new ConcurrentLinkedQueue<>();

    private SuiteBenchmark() {
    }

    /** What every class of the suite does: its remote work on both its hosts at once. */
    public abstract static class Work {
        @MultiHostTest
        void work(Cluster cluster) {
            long start = System.nanoTime();
            cluster.onAll(h -> h.execShell("sleep " + workSeconds).assertSuccess(), Duration.ofSeconds(workSeconds + 60));
            WORK.add(System.nanoTime() - start);
        }
    }

    @Role(name = "node", count = 2)
    public static final class Class01 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class02 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class03 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class04 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class05 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class06 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class07 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class08 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class09 extends Work {
    }

    @Role(name = "node", count = 2)
    public static final class Class10 extends Work {
    }

    private static final List<Class<?>> SUITE = List.of(Class01.class, Class02.class, Class03.class, Class04.class,
            Class05.class, Class06.class, Class07.class, Class08.class, Class09.class, Class10.class);

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int work = SshBenchSupport.intArg(options, "work", 5);
        Map<String, Object> json = new LinkedHashMap<>();
        try (LauncherSession session = LauncherFactory.openSession()) {
            long up = System.nanoTime();
            run(session, true, 0);
            log("warm-up: %d hosts started and connected in %.2f s", HOSTS, (System.nanoTime() - up) / 1e9);
            Run serial = run(session, false, work);
            log("serial: %.2f s wall, %.2f s of the classes' own work", serial.wallS(), serial.workSumS());
            Run parallel = run(session, true, work);
            log("parallel: %.2f s wall, %.2f s of the classes' own work", parallel.wallS(), parallel.workSumS());
            int atOnce = Math.min(CLASSES, HOSTS / 2);
            json.put("bench", "suite");
            json.put("classes", CLASSES);
            json.put("hosts", HOSTS);
            json.put("work_per_class_s", work);
            json.put("serial_s", round(serial.wallS()));
            json.put("parallel_s", round(parallel.wallS()));
            json.put("ratio", round(serial.wallS() / parallel.wallS()));
            json.put("serial_work_sum_s", round(serial.workSumS()));
            json.put("serial_overhead_s", round(serial.wallS() - serial.workSumS()));
            json.put("parallel_work_sum_s", round(parallel.workSumS()));
            json.put("parallel_overhead_s", round(parallel.wallS() - parallel.workSumS() / atOnce));
            json.put("load_avg_1m", SshBenchSupport.loadAverage());
        }
        System.out.println(SshBenchSupport.json(json));
    }

    private record Run(double wallS, double workSumS) {
    }

    /** Runs the suite once; fails unless every class passed. */
    private static Run run(LauncherSession session, boolean parallel, int seconds) {
        workSeconds = seconds;
        WORK.clear();
        AtomicLong started = new AtomicLong();
        AtomicLong finished = new AtomicLong();
        List<String> problems = new ArrayList<>();
        session.getLauncher().execute(request(parallel), new TestExecutionListener() {
            @Override
            public void executionStarted(TestIdentifier id) {
                if (id.getParentId().isEmpty()) {
                    started.set(System.nanoTime());
                }
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.getParentId().isEmpty()) {
                    finished.set(System.nanoTime());
                }
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    synchronized (problems) {
                        problems.add(id.getDisplayName() + ": " + result);
                    }
                }
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                synchronized (problems) {
                    problems.add(id.getDisplayName() + " skipped: " + reason);
                }
            }
        });
        if (!problems.isEmpty() || WORK.size() != CLASSES) {
            throw new IllegalStateException("The suite did not pass (" + WORK.size() + " of " + CLASSES + " classes did their work): "
                    + problems);
        }
        return new Run((finished.get() - started.get()) / 1e9, WORK.stream().mapToLong(Long::longValue).sum() / 1e9);
    }

    private static LauncherDiscoveryRequest request(boolean parallel) {
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(SUITE.stream().map(DiscoverySelectors::selectClass).toList())
                .filters(EngineFilter.includeEngines("multihost"))
                .configurationParameter("multihost.provider", "lab")
                .configurationParameter("multihost.lab.hosts", String.valueOf(HOSTS))
                .configurationParameter("multihost.lab.max-hosts", String.valueOf(HOSTS))
                .configurationParameter("multihost.hosts.timeout", "5m")
                .configurationParameter("multihost.execution.parallel.enabled", String.valueOf(parallel))
                .build();
    }
}
