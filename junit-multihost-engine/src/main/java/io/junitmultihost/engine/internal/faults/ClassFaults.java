package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Faults;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.Vm;
import io.junitmultihost.engine.internal.owner.Owned;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.owner.Stage;
import io.junitmultihost.engine.internal.report.RunRecord;
import io.junitmultihost.spi.HumanDuration;
import io.junitmultihost.spi.LinkControl;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults of one test class: each imposed on its hosts at once, registered with the class's
 * {@link Owner} (lifted when the class ends), recorded in the run's report as it is imposed and
 * lifted, and named by failures while in force. Every fault also ends by itself: on the host (its
 * own timer, see {@link HostScripts}), or in its provider for links the provider pulled
 * ({@link LinkPart}), and here (a lift at its end, which finds the host's rules gone and only does
 * the bookkeeping).
 */
public final class ClassFaults implements Faults {

    private static final Logger LOG = LoggerFactory.getLogger(ClassFaults.class);
    /** How long imposing or lifting a fault may take on one host. */
    static final Duration STEP = Duration.ofSeconds(30);
    /** How long an early lift of a fault that cut the test JVM's own link tries before leaving it to the host. */
    private static final Duration CUT_OFF_TRY = Duration.ofSeconds(5);
    /** How long after its end a fault that cut the test JVM's link is checked: its host lifted it already. */
    private static final Duration AFTER_END = Duration.ofSeconds(2);
    /** How long after its script returned a fault that cuts the test JVM's link is in force: its timer waits 0.5 s. */
    private static final Duration DEFERRED_APPLY = Duration.ofMillis(800);
    private static final AtomicInteger NUMBERS = new AtomicInteger();
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(daemon("multihost-faults"));
    private static final ScheduledExecutorService ENDS = Executors.newSingleThreadScheduledExecutor(daemon("multihost-fault-ends"));

    private final List<Host> hosts;
    private final Owner owner;
    private final RunRecord record;
    private final String recordOwner;
    private final Function<Host, Optional<String>> networkRefusal;
    private final Function<Host, Optional<LinkControl>> linkControl;
    private final FaultExec exec;
    private final Set<ImposedFault> active = new LinkedHashSet<>();

    /**
     * @param networkRefusal why a host's provider cannot take network faults (an embedded host shares
     *     this machine's network), empty where it can
     * @param linkControl the host's links as its provider cuts them (a virtual machine's NICs), empty
     *     where it cannot: {@code isolate} and {@code isolateCompletely} use it where there is one
     * @param exec how faults' commands run on a host (not as the class's: they run while it ends too)
     */
    public ClassFaults(List<Host> hosts, Owner owner, RunRecord record, Function<Host, Optional<String>> networkRefusal,
            Function<Host, Optional<LinkControl>> linkControl, FaultExec exec) {
        this.exec = exec;
        this.linkControl = linkControl;
        this.hosts = List.copyOf(hosts);
        this.owner = owner;
        this.record = record;
        this.recordOwner = RunRecord.className(owner.name());
        this.networkRefusal = networkRefusal;
    }

    @Override
    public Fault partition(Collection<Host> side, Collection<Host> other, Duration duration) {
        List<Host> a = mine(side, "partition");
        List<Host> b = mine(other, "partition");
        disjoint(a, b);
        List<String> peers = addresses(b);
        String description = names(a) + (a.size() == 1 ? " was" : " were") + " partitioned from " + names(b);
        return network("a partition", description, a, both(rule(true, peers, false, 100, false)), concat(a, b), duration, false);
    }

    @Override
    public Fault partitionOneWay(Collection<Host> from, Collection<Host> to, Duration duration) {
        List<Host> a = mine(from, "one-way partition");
        List<Host> b = mine(to, "one-way partition");
        disjoint(a, b);
        String description = names(a) + " could not send to " + names(b);
        return network("a one-way partition", description, a, List.of(rule(false, addresses(b), false, 100, false)),
                concat(a, b), duration, false);
    }

    @Override
    public Fault isolate(Host host, Duration duration) {
        Host h = mine(List.of(host), "cut").get(0);
        String description = h.name() + " was cut off from every other host";
        Optional<LinkControl> links = links(h, Set.of(LinkControl.Link.HOSTS));
        if (links.isPresent()) {
            return linkCut(h, links.get(), Set.of(LinkControl.Link.HOSTS), description, duration);
        }
        return network("a cut", description, List.of(h), both(rule(true, List.of(), true, 100, false)), List.of(h), duration, false);
    }

    @Override
    public Fault isolateCompletely(Host host, Duration duration) {
        Host h = mine(List.of(host), "cut").get(0);
        String description = h.name() + " was cut off from everyone, the test JVM included";
        Set<LinkControl.Link> all = Set.of(LinkControl.Link.HOSTS, LinkControl.Link.TEST_JVM);
        Optional<LinkControl> links = links(h, all);
        if (links.isPresent()) {
            return linkCut(h, links.get(), all, description, duration);
        }
        return network("a cut", description, List.of(h), both(rule(true, List.of(), false, 100, false)), List.of(h), duration, true);
    }

    /** The host's provider's control of its links, where it cuts all of {@code wanted}. */
    private Optional<LinkControl> links(Host host, Set<LinkControl.Link> wanted) {
        return linkControl.apply(host).filter(control -> control.links().containsAll(wanted));
    }

    /**
     * A cut through the provider's own controls: in force when this returns (no deferred apply, as
     * the host's own rules need for the test JVM's link), lifted at once whether or not the host answers.
     */
    private Fault linkCut(Host h, LinkControl control, Set<LinkControl.Link> links, String description, Duration duration) {
        seconds(duration);
        FaultName name = FaultName.of(NUMBERS.incrementAndGet());
        return impose(name, description, List.of(new LinkPart(h, control, links, duration)), List.of(h), duration, false);
    }

    @Override
    public Fault loss(Host host, int percent, Duration duration) {
        return loss(host, percent, duration, true);
    }

    @Override
    public Fault lossIncludingController(Host host, int percent, Duration duration) {
        return loss(host, percent, duration, false);
    }

    private Fault loss(Host host, int percent, Duration duration, boolean spareController) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("The share of packets to drop must be 1 to 100, was [" + percent + "].");
        }
        Host h = mine(List.of(host), "packet loss").get(0);
        return network("packet loss", h.name() + " dropped " + percent + "% of its packets"
                + (spareController ? "" : ", the test JVM's too"), List.of(h),
                both(rule(true, List.of(), spareController, percent, false)), List.of(h), duration, false);
    }

    @Override
    public Fault limitBandwidth(Host host, long bitsPerSecond, Duration duration) {
        if (bitsPerSecond < 8000) {
            throw new IllegalArgumentException("The bandwidth limit must be at least 8000 bit/s, was [" + bitsPerSecond + "].");
        }
        Host h = mine(List.of(host), "bandwidth limit").get(0);
        refuseNetwork(List.of(h), "a bandwidth limit");
        FaultName name = FaultName.of(NUMBERS.incrementAndGet());
        long seconds = seconds(duration);
        FaultPart part = new ScriptPart(exec, h, name, "a bandwidth limit", HostScripts.imposeBandwidth(name, bitsPerSecond, seconds,
                addresses(hosts.stream().filter(other -> other != h).toList())), null);
        return impose(name, h.name() + " was limited to " + bitsPerSecond + " bit/s", List.of(part), List.of(h), duration, false);
    }

    @Override
    public Fault resetConnections(Host host, Collection<Host> peers, Duration duration) {
        Host h = mine(List.of(host), "connection reset").get(0);
        List<Host> others = mine(peers, "connection reset");
        disjoint(List.of(h), others);
        return network("a connection reset", h.name() + "'s TCP connections to " + names(others) + " were reset",
                List.of(h), both(rule(true, addresses(others), false, 100, true)), concat(List.of(h), others), duration, false);
    }

    @Override
    public Fault pause(HostProcess process, Duration duration) {
        Host h = mine(List.of(process.host()), "pause").get(0);
        if (!process.isAlive()) {
            throw new MultiHostException("Cannot pause process [" + process.id() + "] on host [" + h.name() + "]: it has ended.");
        }
        return pause(h, "-" + process.pid(), "process " + process.pid() + " on " + h.name() + " was paused", duration);
    }

    @Override
    public Fault pause(Vm vm, Duration duration) {
        Host h = mine(List.of(vm.host()), "pause").get(0);
        long pid = vm.pid();
        if (!vm.isRunning() || pid <= 0) {
            throw new MultiHostException("Cannot pause JVM [" + vm.id() + "] on host [" + h.name() + "]: it is not running.");
        }
        return pause(h, Long.toString(pid), "JVM " + vm.id() + " (pid " + pid + ") on " + h.name() + " was paused", duration);
    }

    private Fault pause(Host h, String target, String description, Duration duration) {
        FaultName name = FaultName.of(NUMBERS.incrementAndGet());
        FaultPart part = new ScriptPart(exec, h, name, "a pause", HostScripts.imposePause(name, target, seconds(duration)), target);
        return impose(name, description, List.of(part), List.of(h), duration, false);
    }

    @Override
    public Fault powerCut(Host host, Duration duration) {
        Host h = mine(List.of(host), "power cut").get(0);
        FaultName name = FaultName.of(NUMBERS.incrementAndGet());
        return impose(name, h.name() + "'s power was cut", List.of(new PowerPart(h)), List.of(h), duration, false);
    }

    @Override
    public synchronized List<Fault> active() {
        return List.copyOf(active);
    }

    @Override
    public void liftAll() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Fault fault : active()) {
            try {
                fault.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            MultiHostException e = new MultiHostException("Could not lift [" + failures.size() + "] faults: "
                    + failures.stream().map(Throwable::getMessage).toList(), failures.get(0));
            failures.subList(1, failures.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    private Fault network(String what, String description, List<Host> on, List<FilterRule> rules, List<Host> involved,
            Duration duration, boolean cutsController) {
        refuseNetwork(on, what);
        FaultName name = FaultName.of(NUMBERS.incrementAndGet());
        String script = HostScripts.imposeNetwork(name, rules, seconds(duration), cutsController);
        List<FaultPart> parts = new ArrayList<>();
        for (Host host : on) {
            parts.add(new ScriptPart(exec, host, name, what, script, null));
        }
        return impose(name, description, parts, involved, duration, cutsController);
    }

    private Fault impose(FaultName name, String description, List<FaultPart> parts, List<Host> involved, Duration duration,
            boolean cutsController) {
        seconds(duration);
        String id = "fault-" + name.number();
        Instant since = Instant.now();
        ImposedFault fault = new ImposedFault(this, id, description, parts, involved.stream().map(Host::name).distinct().toList(), since, since.plus(duration),
                cutsController);
        Duration bound = parts.stream().anyMatch(p -> p instanceof PowerPart) ? PowerPart.BOOT : STEP;
        Owned owned = owner.register(Stage.FAULTS, "fault " + fault, bound, () -> liftQuietly(fault, "the class's end"));
        Map<FaultPart, Throwable> failures = onEach(parts, part -> part.impose(STEP), STEP);
        if (!failures.isEmpty()) {
            List<FaultPart> imposed = parts.stream().filter(p -> !failures.containsKey(p)).toList();
            Map<FaultPart, Throwable> undo = onEach(imposed, part -> part.lift(STEP), STEP);
            undo.forEach((part, e) -> LOG.warn("Could not undo fault [{}] on host [{}] after it failed elsewhere: {}"
                    + " it lifts itself in {}", id, part.host().name(), e.getMessage(), HumanDuration.of(duration)));
            owned.done();
            throw failed("Could not impose " + id + " (" + description + ")", failures);
        }
        if (cutsController) {
            sleep(DEFERRED_APPLY); // the host's timer applies the rules once the script's answer is back
        }
        Future<?> end = ENDS.schedule(() -> WORKERS.submit(() -> liftQuietly(fault, "its end")),
                duration.plus(cutsController ? AFTER_END : Duration.ZERO).toMillis(), TimeUnit.MILLISECONDS);
        fault.held(owned, end);
        if (!fault.isActive()) {
            // The class ended while it was being imposed: its lift found nothing yet, so lift it now.
            end.cancel(false);
            fault.markActiveAgain();
            liftQuietly(fault, "the class's end");
            throw new MultiHostException("Fault " + id + " (" + description + ") was lifted as it was imposed: "
                    + owner.name() + " ended meanwhile.");
        }
        synchronized (this) {
            active.add(fault);
        }
        ActiveFaults.add(fault);
        for (Host host : involved) {
            record.add("fault.imposed", host.name(), recordOwner, "fault", id, "what", description,
                    "duration_ms", duration.toMillis(), "on", parts.stream().anyMatch(p -> p.host() == host));
        }
        LOG.info("Fault [{}] imposed: {} (for {} at most)", id, description, HumanDuration.of(duration));
        return fault;
    }

    /** Lifts {@code fault} as {@code by} asked; see {@link Fault#close()}. */
    void lift(ImposedFault fault, String by) {
        if (!fault.markLifted()) {
            return;
        }
        Future<?> end = fault.end();
        if (end != null && !"its end".equals(by)) {
            end.cancel(false);
        }
        boolean early = fault.cutsController() && Instant.now().isBefore(fault.endsAt());
        Duration deadline = early ? CUT_OFF_TRY : STEP;
        Map<FaultPart, Throwable> failures = onEach(fault.parts(), part -> part.lift(deadline), deadline);
        synchronized (this) {
            active.remove(fault);
        }
        ActiveFaults.remove(fault);
        Owned owned = fault.owned();
        if (owned != null) {
            owned.done();
        }
        for (String host : fault.hosts()) {
            record.add("fault.lifted", host, recordOwner, "fault", fault.id(), "by", by,
                    "error", failures.isEmpty() ? null : "not lifted by the test JVM: its host lifts it itself");
        }
        if (!failures.isEmpty()) {
            throw failed("Could not lift " + fault.id() + " (" + fault.description() + "); its hosts lift it themselves at "
                    + fault.endsAt(), failures);
        }
        LOG.info("Fault [{}] lifted by {}: {}", fault.id(), by, fault.description());
    }

    private void liftQuietly(ImposedFault fault, String by) {
        try {
            lift(fault, by);
        } catch (RuntimeException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /** Runs {@code action} on every part at once; the failures by part, empty when all made it. */
    private static Map<FaultPart, Throwable> onEach(List<FaultPart> parts, java.util.function.Consumer<FaultPart> action,
            Duration deadline) {
        Map<FaultPart, Future<?>> futures = new LinkedHashMap<>();
        for (FaultPart part : parts) {
            futures.put(part, WORKERS.submit(() -> action.accept(part)));
        }
        long end = System.nanoTime() + deadline.toNanos() + TimeUnit.SECONDS.toNanos(5);
        Map<FaultPart, Throwable> failures = new LinkedHashMap<>();
        futures.forEach((part, future) -> {
            try {
                future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                failures.put(part, e.getCause());
            } catch (TimeoutException e) {
                future.cancel(true);
                failures.put(part, new MultiHostException("Host [" + part.host().name() + "] did not answer within ["
                        + HumanDuration.of(deadline) + "]."));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.put(part, e);
            }
        });
        return failures;
    }

    private static MultiHostException failed(String what, Map<FaultPart, Throwable> failures) {
        List<Throwable> causes = new ArrayList<>(failures.values());
        List<String> each = new ArrayList<>();
        failures.forEach((part, e) -> each.add(e.getMessage() != null && e.getMessage().contains(part.host().name())
                ? e.getMessage() : "[" + part.host().name() + "] " + e.getMessage()));
        MultiHostException e = new MultiHostException(what + ": " + String.join("; ", each), causes.get(0));
        causes.subList(1, causes.size()).forEach(e::addSuppressed);
        return e;
    }

    private void refuseNetwork(List<Host> on, String what) {
        for (Host host : on) {
            Optional<String> why = networkRefusal.apply(host);
            if (why.isPresent()) {
                throw new UnsupportedOperationException("Cannot impose " + what + " on host [" + host.name() + "]: "
                        + why.get());
            }
        }
    }

    private List<Host> mine(Collection<Host> given, String what) {
        if (given == null || given.isEmpty()) {
            throw new ConfigurationException("A " + what + " needs at least one host on each side.");
        }
        List<Host> unique = List.copyOf(new LinkedHashSet<>(given));
        for (Host host : unique) {
            if (!hosts.contains(host)) {
                throw new ConfigurationException("Host [" + host.name() + "] is not one of this test's hosts "
                        + names(hosts) + "; impose faults only on hosts the test holds.");
            }
        }
        return unique;
    }

    private static void disjoint(List<Host> a, List<Host> b) {
        for (Host host : a) {
            if (b.contains(host)) {
                throw new ConfigurationException("Host [" + host.name() + "] is on both sides of the fault; each host"
                        + " belongs to one side.");
            }
        }
    }

    /** The hosts' IP addresses as their peers reach them (their addresses, resolved here). */
    private static List<String> addresses(List<Host> hosts) {
        List<String> addresses = new ArrayList<>();
        for (Host host : hosts) {
            try {
                for (InetAddress address : InetAddress.getAllByName(host.address())) {
                    addresses.add(address.getHostAddress().replaceAll("%.*", ""));
                }
            } catch (UnknownHostException e) {
                throw new MultiHostException("Cannot resolve the address [" + host.address() + "] of host ["
                        + host.name() + "] to cut it off: " + e.getMessage(), e);
            }
        }
        return List.copyOf(new LinkedHashSet<>(addresses));
    }

    private static FilterRule rule(boolean incoming, List<String> peers, boolean spareController, int percent, boolean reset) {
        return new FilterRule(incoming, peers, spareController, percent, reset);
    }

    /** The rule for what the host receives and its twin for what it sends. */
    private static List<FilterRule> both(FilterRule incoming) {
        return List.of(incoming, new FilterRule(false, incoming.peers(), incoming.spareController(), incoming.percent(),
                incoming.reset()));
    }

    /** Whole seconds for the host's timer, rounded up; refuses a duration that is not positive. */
    private static long seconds(Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("A fault needs a positive duration after which it lifts itself, was ["
                    + duration + "].");
        }
        return (duration.toMillis() + 999) / 1000;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultiHostException("Interrupted while a fault was being imposed.", e);
        }
    }

    private static List<Host> concat(List<Host> a, List<Host> b) {
        List<Host> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String names(List<Host> hosts) {
        return String.join(", ", hosts.stream().map(Host::name).toList());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
