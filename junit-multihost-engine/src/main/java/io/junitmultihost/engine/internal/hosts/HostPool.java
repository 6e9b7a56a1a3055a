package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.sync.SyncService;
import io.junitmultihost.engine.internal.reboot.QuorumClock;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.Outcome;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshHost;
import io.junitmultihost.ssh.SshPool;
import io.junitmultihost.ssh.SshTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.engine.support.store.NamespacedHierarchicalStore;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts of one launcher session and their SSH connections, shared by the engine and the
 * Jupiter extension: both find it in the launcher session's store under {@link #NAMESPACE} and
 * {@link #KEY}, and the session closes it. Hosts are leased to one test class at a time; a class
 * that finds a role short waits while other classes hold hosts, up to {@code multihost.hosts.timeout},
 * and is then aborted (never failed, never left waiting). Thread-safe. Internal.
 */
public final class HostPool implements AutoCloseable {

    /** The store namespace (one part) under which the pool lives in the launcher session's store. */
    public static final String NAMESPACE = "io.junitmultihost";

    /** The store key of the pool. */
    public static final String KEY = "host-pool";

    private static final Logger LOG = LoggerFactory.getLogger(HostPool.class);
    /** How often a quorum role asks again for hosts that did not answer. */
    private static final Duration RECHECK_SILENT = Duration.ofSeconds(1);

    private final HostSettings settings;
    private final HostProvider provider;
    private final SshPool ssh;
    private final Map<HostSpec, SshHost> connections = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final Map<String, String> busy = new LinkedHashMap<>();
    private final HostEvents events = new HostEvents();
    private final SyncService sync;
    /** Owns each class's owner, so that a class still running when the pool closes or the JVM exits is stopped. */
    private final Owner run = Owner.forRun("the run");
    private boolean closed;

    private HostPool(HostSettings settings, HostProvider provider, SshPool ssh) {
        this.settings = settings;
        this.sync = new SyncService(settings.connectTimeout().plus(settings.execTimeout()));
        this.provider = provider;
        this.ssh = ssh;
    }

    /**
     * Creates a pool with the provider named in {@code settings}.
     *
     * @throws ConfigurationException when no such provider is on the class path
     */
    public static HostPool create(HostSettings settings) {
        HostProvider provider = ProviderLoader.create(settings);
        LOG.info("Hosts come from provider [{}].", settings.provider());
        return new HostPool(settings, provider, SshPool.create());
    }

    /**
     * Creates a pool over {@code provider}, given rather than found by name: for benchmarks and
     * tools that start hosts themselves. The pool closes the provider when it is closed.
     */
    public static HostPool create(HostSettings settings, HostProvider provider) {
        return new HostPool(settings, provider, SshPool.create());
    }

    /**
     * The pool of the launcher session that {@code requestStore} (an execution request's store)
     * belongs to, created with {@code parameters} when it is the first.
     */
    public static HostPool inSession(NamespacedHierarchicalStore<Namespace> requestStore,
            Supplier<Map<String, String>> parameters) {
        NamespacedHierarchicalStore<Namespace> session = requestStore.getParent().orElse(requestStore);
        return session.computeIfAbsent(Namespace.create(NAMESPACE), KEY,
                key -> create(HostSettings.from(parameters.get())), HostPool.class);
    }

    /**
     * The session's stream of host state changes and expected absences: where reboots publish, and
     * where the Sync integration subscribes ({@link HostEvents#onAbsence}) and bridges the barrier
     * server's events in ({@link HostEvents#publish}).
     */
    public HostEvents events() {
        return events;
    }

    /** The settings the pool was made with. */
    public HostSettings settings() {
        return settings;
    }

    /**
     * Leases hosts for every role to {@code owner}: the role's count when the provider has them,
     * at least its min. A role whose min is below its count is gathered under a quorum
     * (target count, minimum min, countdown {@code multihost.hosts.countdown}): its hosts must
     * answer over SSH to count, and once it has its min it waits for more only while more may
     * still come (hosts leased to other classes, hosts that did not answer yet) and at most for the
     * countdown; then the test starts with what it has.
     *
     * @throws TestAbortedException when a role cannot get its min within {@code multihost.hosts.timeout}
     * @throws ConfigurationException when the pool is closed
     */
    public HostLease lease(String owner, List<RoleDeclaration> roles) {
        long end = System.nanoTime() + settings.hostsTimeout().toNanos();
        Map<String, QuorumClock> clocks = new HashMap<>();
        Map<String, Set<String>> silentByRole = new HashMap<>();
        lock.lock();
        try {
            boolean waited = false;
            while (true) {
                if (closed) {
                    throw new ConfigurationException("The host pool is closed; class [" + owner + "] came too late.");
                }
                Shortfall shortfall = null;
                boolean waitForMore = false;
                boolean anySilent = false;
                Map<String, List<HostSpec>> chosen = new LinkedHashMap<>();
                Set<String> taken = new HashSet<>(busy.keySet());
                for (RoleDeclaration role : roles) {
                    Set<String> silent = silentByRole.computeIfAbsent(role.name(), r -> new LinkedHashSet<>());
                    List<HostSpec> got = ask(owner, role, taken, remaining(end), silent.size());
                    if (role.min() < role.count()) {
                        got = answering(got, role.count(), silent);
                        anySilent |= !silent.isEmpty();
                    }
                    boolean more = !busy.isEmpty() || !silent.isEmpty();
                    if (got.size() < role.min()) {
                        shortfall = new Shortfall(role, got, List.copyOf(silent));
                        break;
                    }
                    if (got.size() < role.count() && more) {
                        QuorumClock clock = clocks.computeIfAbsent(role.name(), r -> new QuorumClock(
                                Quorum.of(role.count(), role.min(), settings.hostsCountdown())));
                        waitForMore |= clock.decide(got.size(), role.count() - got.size()) == QuorumClock.Decision.WAIT;
                    }
                    got.forEach(spec -> taken.add(spec.name()));
                    chosen.put(role.name(), got);
                }
                long left = end - System.nanoTime();
                if (shortfall == null && (!waitForMore || left <= 0)) {
                    logQuorum(owner, roles, chosen, silentByRole);
                    return grant(owner, chosen);
                }
                if (shortfall != null && ((busy.isEmpty() && shortfall.silent().isEmpty()) || left <= 0)) {
                    throw abort(owner, shortfall, waited);
                }
                if (!waited) {
                    LOG.info("Class [{}] waits for hosts: {} while {} are leased to other classes.", owner,
                            shortfall != null ? "role [" + shortfall.role().name() + "] got [" + shortfall.got().size()
                                    + "] of at least [" + shortfall.role().min() + "]" + silentNote(shortfall.silent())
                                    : "quorum roles have their minimum but not their count, and more may come",
                            busy.keySet());
                }
                waited = true;
                // Hosts held by other classes come back with a signal; silent hosts are asked again shortly.
                long nap = anySilent ? Math.min(left, RECHECK_SILENT.toNanos()) : left;
                for (QuorumClock clock : clocks.values()) {
                    nap = Math.min(nap, clock.nanosToNextTick(nap));
                }
                returned.awaitNanos(Math.max(nap, 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestAbortedException("Class [" + owner + "] was interrupted while waiting for hosts.", e);
        } finally {
            lock.unlock();
        }
    }

    private List<HostSpec> ask(String owner, RoleDeclaration role, Set<String> taken, Duration deadline, int spare) {
        List<HostSpec> offered;
        try {
            offered = provider.hosts(role.name(), role.count() + spare, Set.copyOf(taken), deadline);
        } catch (ConfigurationException e) {
            // "can never be met here": the same as too few hosts, with the provider's reason.
            throw new TestAbortedException("Class [" + owner + "] cannot get hosts for role [" + role.name()
                    + "] from provider [" + settings.provider() + "]: " + e.getMessage(), e);
        }
        List<HostSpec> usable = new ArrayList<>();
        for (HostSpec spec : offered) {
            if (usable.size() < role.count() + spare && spec.canServe(role.name()) && !taken.contains(spec.name())
                    && usable.stream().noneMatch(u -> u.name().equals(spec.name()))) {
                usable.add(spec);
            }
        }
        return usable;
    }

    /**
     * The first {@code count} of {@code offered} that answer over SSH (a boot id read on the pooled
     * connection, all at once); the others' names go to {@code silent}, those that answered leave it.
     */
    private List<HostSpec> answering(List<HostSpec> offered, int count, Set<String> silent) {
        if (offered.isEmpty()) {
            return offered;
        }
        // A full connect timeout even near the end of the hosts timeout: a short one would take slow
        // hosts for silent ones.
        Duration probe = settings.connectTimeout();
        Map<SshHost, HostSpec> bySsh = new LinkedHashMap<>();
        offered.forEach(spec -> bySsh.put(connection(spec), spec));
        Map<SshHost, Outcome<RemoteResult>> answers = ssh.onEach(bySsh.keySet(), probe,
                h -> h.exec(RemoteCommand.argv("cat", BootId.PATH), probe));
        List<HostSpec> answered = new ArrayList<>();
        answers.forEach((host, outcome) -> {
            HostSpec spec = bySsh.get(host);
            boolean ok = outcome.succeeded() && BootId.of(outcome.value().exitCode(), outcome.value().stdoutText()).isPresent();
            if (ok && answered.size() < count) {
                answered.add(spec);
                silent.remove(spec.name());
            } else if (!ok) {
                silent.add(spec.name());
                LOG.debug("Host [{}] did not answer while gathered: {}", spec.name(),
                        outcome.failure().map(Throwable::getMessage).orElse("no boot id"));
            }
        });
        return answered;
    }

    private void logQuorum(String owner, List<RoleDeclaration> roles, Map<String, List<HostSpec>> chosen,
            Map<String, Set<String>> silentByRole) {
        for (RoleDeclaration role : roles) {
            int got = chosen.getOrDefault(role.name(), List.of()).size();
            if (got < role.count() && role.min() < role.count()) {
                LOG.info("Class [{}] starts role [{}] with [{}] of [{}] hosts (min [{}]){}.", owner, role.name(), got,
                        role.count(), role.min(), silentNote(List.copyOf(silentByRole.getOrDefault(role.name(), Set.of()))));
            }
        }
    }

    private static String silentNote(List<String> silent) {
        return silent.isEmpty() ? "" : "; hosts " + silent + " did not answer";
    }

    private HostLease grant(String owner, Map<String, List<HostSpec>> chosen) {
        Owner started = run.child("class [" + owner + "]");
        Map<String, List<Host>> byRole = new LinkedHashMap<>();
        chosen.forEach((role, specs) -> {
            List<Host> hosts = new ArrayList<>();
            for (HostSpec spec : specs) {
                busy.put(spec.name(), owner);
                hosts.add(new RemoteHost(spec, connection(spec), Set.of(role), settings, events, started));
            }
            byRole.put(role, hosts);
        });
        HostCluster cluster = new HostCluster(byRole, settings.fanoutParallelism(), events,
                c -> sync.open(owner, c.hosts(), events), started);
        HostLease lease = new HostLease(owner, cluster, started, this::giveBack);
        LOG.info("Leased hosts {} to class [{}].", lease.describe(), owner);
        return lease;
    }

    private void giveBack(HostLease lease) {
        lock.lock();
        try {
            lease.hostNames().forEach(busy::remove);
            returned.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("Class [{}] returned hosts {}.", lease.owner(), lease.hostNames());
    }

    private SshHost connection(HostSpec spec) {
        return connections.computeIfAbsent(spec, s -> {
            SshTarget.Builder target = SshTarget.builder(s.name(), s.address()).port(s.port()).user(s.user())
                    .knownHosts(s.knownHosts()).strictHostKeyChecking(s.strictHostKeyChecking())
                    .connectTimeout(settings.connectTimeout());
            s.identityFile().ifPresent(target::identityFile);
            s.password().ifPresent(target::password);
            s.proxyJump().ifPresent(target::proxyJump);
            return ssh.host(target.build());
        });
    }

    private TestAbortedException abort(String owner, Shortfall shortfall, boolean waited) {
        RoleDeclaration role = shortfall.role();
        String others = busy.isEmpty() ? "" : " while hosts " + busy.keySet() + " were leased to other classes";
        return new TestAbortedException("Class [" + owner + "] needs at least [" + role.min() + "] hosts for role ["
                + role.name() + "] (count [" + role.count() + "]), but provider [" + settings.provider() + "] gave ["
                + shortfall.got().size() + "]" + shortfall.got().stream().map(HostSpec::name).toList()
                + silentNote(shortfall.silent()) + others
                + (waited ? " within [" + settings.hostsTimeout() + "]" : "")
                + ". Give the provider more hosts (see its multihost.* settings) or lower the role's min.");
    }

    private static Duration remaining(long end) {
        return Duration.ofNanos(Math.max(end - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1)));
    }

    /** Stops what classes still running started, closes every SSH connection, then the provider; never throws. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            returned.signalAll();
        } finally {
            lock.unlock();
        }
        run.close();
        sync.close();
        try {
            ssh.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the SSH connections failed: {}", e.toString());
        }
        try {
            provider.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing host provider [{}] failed: {}", settings.provider(), e.toString());
        }
        LOG.info("Host pool of provider [{}] closed.", settings.provider());
    }

    private record Shortfall(RoleDeclaration role, List<HostSpec> got, List<String> silent) {
    }
}
