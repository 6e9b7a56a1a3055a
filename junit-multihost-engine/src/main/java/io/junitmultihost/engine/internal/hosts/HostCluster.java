package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.CommandTimeoutException;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The hosts of one test class by role, with parallel fan-out on a bounded number of threads per
 * call (a fan-out inside a fan-out never starves for a shared pool). A call still running at the
 * fan-out's deadline is reported failed at once and left to end at its command's own deadline.
 */
final class HostCluster implements Cluster {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Map<String, List<Host>> byRole;
    private final int parallelism;

    HostCluster(Map<String, List<Host>> byRole, int parallelism) {
        Map<String, List<Host>> copy = new LinkedHashMap<>();
        byRole.forEach((role, hosts) -> copy.put(role, List.copyOf(hosts)));
        this.byRole = Collections.unmodifiableMap(copy);
        this.parallelism = parallelism;
    }

    @Override
    public List<Host> hosts() {
        return byRole.values().stream().flatMap(List::stream).distinct().toList();
    }

    @Override
    public List<Host> role(String role) {
        List<Host> hosts = byRole.get(role);
        if (hosts == null) {
            throw new ConfigurationException("This test has no role [" + role + "]; its roles are " + byRole.keySet()
                    + ". Declare the role with @Role on the class.");
        }
        return hosts;
    }

    @Override
    public Host host(String name) {
        return hosts().stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new ConfigurationException("This test has no host named [" + name
                        + "]; its hosts are " + hosts().stream().map(Host::name).toList() + "."));
    }

    Map<String, List<Host>> byRole() {
        return byRole;
    }

    @Override
    public <T> Map<String, T> onAll(Function<Host, T> call, Duration deadline) {
        return fanOut(hosts(), call, deadline);
    }

    @Override
    public <T> Map<String, T> onRole(String role, Function<Host, T> call, Duration deadline) {
        return fanOut(role(role), call, deadline);
    }

    private <T> Map<String, T> fanOut(List<Host> targets, Function<Host, T> call, Duration deadline) {
        if (targets.isEmpty()) {
            return Map.of();
        }
        int threads = Math.min(targets.size(), parallelism);
        ExecutorService executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads());
        try {
            Map<Host, Future<T>> futures = new LinkedHashMap<>();
            for (Host host : targets) {
                futures.put(host, executor.submit(() -> call.apply(host)));
            }
            long end = System.nanoTime() + deadline.toNanos();
            Map<String, T> results = new LinkedHashMap<>();
            Map<Host, Throwable> failures = new LinkedHashMap<>();
            for (Map.Entry<Host, Future<T>> entry : futures.entrySet()) {
                Host host = entry.getKey();
                try {
                    results.put(host.name(), entry.getValue().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    failures.put(host, e.getCause());
                } catch (TimeoutException e) {
                    // Not interrupted: an interrupted exec could not end its remote process. The call
                    // ends at its own command deadline, which ends the remote process too.
                    entry.getValue().cancel(false);
                    failures.put(host, new CommandTimeoutException("The call on host [" + host.name()
                            + "] did not finish within [" + deadline + "]; it is left to end at its command's"
                            + " own deadline."));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MultiHostException("A fan-out over hosts " + names(targets) + " was interrupted.", e);
                }
            }
            if (!failures.isEmpty()) {
                throw failed(targets, failures);
            }
            return Collections.unmodifiableMap(results);
        } finally {
            executor.shutdown();
        }
    }

    private static MultiHostException failed(List<Host> targets, Map<Host, Throwable> failures) {
        List<String> each = new ArrayList<>();
        failures.forEach((host, failure) -> each.add("[" + host.name() + "] " + failure));
        List<Throwable> causes = new ArrayList<>(failures.values());
        MultiHostException e = new MultiHostException("The call failed on [" + failures.size() + "] of ["
                + targets.size() + "] hosts " + failures.keySet().stream().map(Host::name).toList() + ": "
                + String.join("; ", each), causes.get(0));
        causes.subList(1, causes.size()).forEach(e::addSuppressed);
        return e;
    }

    private static List<String> names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList();
    }

    private static ThreadFactory daemonThreads() {
        return runnable -> {
            Thread thread = new Thread(runnable, "multihost-fanout-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        byRole.forEach((role, hosts) -> text.append(text.length() == 0 ? "" : ", ").append(role).append('=')
                .append(names(hosts)));
        return text.toString();
    }
}
