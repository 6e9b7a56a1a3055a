package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.CommandTimeoutException;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Faults;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootResults;
import io.junitmultihost.api.StateWait;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.Vms;
import io.junitmultihost.engine.internal.events.EventStateWait;
import io.junitmultihost.engine.internal.faults.ClassFaults;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.events.VmEvents;
import io.junitmultihost.engine.internal.owner.Owned;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.owner.Stage;
import io.junitmultihost.engine.internal.reboot.Reboots;
import io.junitmultihost.engine.internal.report.RunRecord;
import io.junitmultihost.engine.internal.sync.CaseSync;
import io.junitmultihost.engine.internal.sync.ClassSync;
import io.junitmultihost.engine.internal.vm.VmMaster;
import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.LinkControl;
import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
 * fan-out's deadline is reported failed at once and left to end at its command's own deadline, or
 * when the class ends, whichever comes first: it stays registered with the class's {@link Owner},
 * which then interrupts it (its command's process group is ended).
 */
final class HostCluster implements Cluster {

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** How long an interrupted fan-out call may take to end: its command's process group is ended first. */
    private static final Duration STOP = Duration.ofSeconds(30);

    private final Map<String, List<Host>> byRole;
    private final int parallelism;
    private final HostEvents events;
    private final Function<HostCluster, ClassSync> openSync;
    private final Owner owner;
    private ClassSync sync;
    private final Function<HostCluster, VmMaster> openVms;
    private VmMaster vms;
    private ClassFaults faults;
    private final VmEvents vmEvents = new VmEvents();

    HostCluster(Map<String, List<Host>> byRole, int parallelism, HostEvents events,
            Function<HostCluster, ClassSync> openSync, Function<HostCluster, VmMaster> openVms, Owner owner) {
        Map<String, List<Host>> copy = new LinkedHashMap<>();
        byRole.forEach((role, hosts) -> copy.put(role, List.copyOf(hosts)));
        this.byRole = Collections.unmodifiableMap(copy);
        this.parallelism = parallelism;
        this.events = events;
        this.openSync = openSync;
        this.owner = owner;
        this.openVms = openVms;
        RunRecord record = events.record();
        String recordOwner = RunRecord.className(owner.name());
        vmEvents.subscribe(e -> record.add("vm." + e.kind().name().toLowerCase(Locale.ROOT), e.host(), recordOwner,
                "vm", e.vm(), "name", e.name(), "mode", e.mode(), "reason", e.reason(), "by", e.by(),
                "old_pid", e.oldPid() > 0 ? e.oldPid() : null, "pid", e.newPid() > 0 ? e.newPid() : null));
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

    /**
     * Starts every host's reboot state machine at once (none waits for another) and waits for the
     * quorum; hosts not of this test are refused before anything is rebooted.
     */
    @Override
    public RebootResults reboot(Collection<Host> hosts, Quorum quorum, RebootOptions options) {
        List<Host> targets = List.copyOf(new LinkedHashSet<>(hosts));
        if (targets.isEmpty()) {
            throw new ConfigurationException("A reboot needs at least one host.");
        }
        List<Host> mine = hosts();
        for (Host host : targets) {
            if (!mine.contains(host)) {
                throw new ConfigurationException("Host [" + host.name() + "] is not one of this test's hosts "
                        + names(mine) + "; reboot only hosts the test holds.");
            }
        }
        Quorum concrete = quorum.forHosts(targets.size());
        List<Reboot> reboots = new ArrayList<>();
        for (Host host : targets) {
            reboots.add(host instanceof RemoteHost remote ? remote.beginReboot(options) : host.reboot(options));
        }
        return Reboots.awaitQuorum(targets, reboots, concrete);
    }

    @Override
    public StateWait states() {
        return new EventStateWait(events, names(hosts()), vmEvents);
    }

    /** The class's sync scope, opened on first use and closed by the class's owner when the class ends. */
    @Override
    public synchronized Sync sync() {
        if (sync == null) {
            ClassSync opened = openSync.apply(this);
            try {
                owner.register(Stage.SYNC, "sync scope " + opened, STOP, opened);
            } catch (MultiHostException e) {
                opened.close();
                throw e;
            }
            sync = opened;
        }
        return sync;
    }

    /**
     * What the class's syncs and remote JVMs are doing, for a test past its deadline: who waits
     * where in its sync scope, and every thread of each of its JVMs; empty when it opened neither.
     */
    public String diagnostics() {
        ClassSync openSync;
        VmMaster openVms;
        synchronized (this) {
            openSync = sync;
            openVms = vms;
        }
        StringBuilder text = new StringBuilder();
        if (openSync != null) {
            String waits = openSync.whoWaitsWhere();
            text.append("Who waits where in the class's syncs:\n").append(waits.isEmpty() ? "nobody\n" : waits);
        }
        if (openVms != null) {
            text.append("\nThe class's remote JVMs:\n").append(openVms.threadDumps());
        }
        return text.toString();
    }

    /** A sync scope of its own for the class's distributed test {@code test}; the caller closes it. */
    synchronized CaseSync openCase(String test, List<Host> parts) {
        sync();
        return sync.openCase(test, parts);
    }

    /** The run's host events, which the class's reports subscribe to. */
    HostEvents events() {
        return events;
    }

    /** The class's remote JVMs' events, published by its {@link #vms()} and read by its {@link #states()}. */
    VmEvents vmEvents() {
        return vmEvents;
    }

    @Override
    public synchronized Vms vms() {
        if (vms == null) {
            VmMaster opened = openVms.apply(this);
            try {
                owner.register(Stage.VMS, "the remote JVMs of " + owner.name(), opened.closeBound(), opened);
            } catch (MultiHostException e) {
                opened.close();
                throw e;
            }
            vms = opened;
        }
        return vms;
    }

    /** The class's faults, made on first use; each fault is registered with the class's owner. */
    @Override
    public synchronized Faults faults() {
        if (faults == null) {
            faults = new ClassFaults(hosts(), owner, events.record(), HostCluster::networkFaultRefusal, HostCluster::linkControl,
                    (host, command) -> host instanceof RemoteHost remote ? remote.execToCleanUp(command) : host.exec(command));
        }
        return faults;
    }

    /** Why the host's provider cannot take network faults, empty where it can. */
    private static Optional<String> networkFaultRefusal(Host host) {
        return host instanceof RemoteHost remote
                ? remote.spec().control().flatMap(HostControl::networkFaultRefusal) : Optional.empty();
    }

    /** The host's links as its provider cuts them, empty where it cannot. */
    private static Optional<LinkControl> linkControl(Host host) {
        return host instanceof RemoteHost remote
                ? remote.spec().control().flatMap(HostControl::linkControl) : Optional.empty();
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
            Map<Host, Owned> late = new ConcurrentHashMap<>();
            Map<Host, CountDownLatch> ended = new LinkedHashMap<>();
            for (Host host : targets) {
                CountDownLatch end = new CountDownLatch(1);
                ended.put(host, end);
                futures.put(host, executor.submit(() -> {
                    try {
                        return call.apply(host);
                    } finally {
                        end.countDown();
                        Owned owned = late.remove(host);
                        if (owned != null) {
                            owned.done();
                        }
                    }
                }));
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
                    // Left running: it ends at its own command deadline, or with the class.
                    keepUntilClassEnds(host, entry.getValue(), ended.get(host), late);
                    failures.put(host, new CommandTimeoutException("The call on host [" + host.name()
                            + "] did not finish within [" + HumanDuration.of(deadline) + "]; it is left to end at its command's"
                            + " own deadline, or when the class ends."));
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

    /** Registers a call past its fan-out's deadline with the class's owner, until it ends. */
    private void keepUntilClassEnds(Host host, Future<?> call, CountDownLatch end, Map<Host, Owned> late) {
        Owned owned;
        try {
            owned = owner.register(Stage.ACTIONS, "fan-out call on host [" + host.name() + "]", STOP, () -> {
                call.cancel(true);
                end.await(STOP.toMillis(), TimeUnit.MILLISECONDS);
            });
        } catch (MultiHostException closed) {
            call.cancel(true); // the class is ending: stop it now
            return;
        }
        late.put(host, owned);
        if (end.getCount() == 0 && late.remove(host) != null) {
            owned.done(); // it ended while being registered
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
