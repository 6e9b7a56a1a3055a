package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.engine.Constants;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.leases.HostLeases;
import io.junitmultihost.engine.internal.leases.LeaseStore;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.reboot.QuorumClock;
import io.junitmultihost.engine.internal.sync.ClassSync;
import io.junitmultihost.engine.internal.sync.SyncReachable;
import io.junitmultihost.engine.internal.sync.SyncService;
import io.junitmultihost.engine.internal.vm.VmMaster;
import io.junitmultihost.engine.internal.vm.VmSettings;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.HumanDuration;
import io.junitmultihost.ssh.Outcome;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.engine.support.store.NamespacedHierarchicalStore;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts of one launcher session, shared by the engine and the Jupiter extension: both find it
 * in the launcher session's store under {@link #NAMESPACE} and {@link #KEY}, and the session closes
 * it. Hosts are leased to one test class at a time; a class that finds a role short waits while
 * other classes hold hosts: as long as they hold them (queueing, which does not count against
 * {@code multihost.hosts.timeout}), otherwise up to that timeout, and is then aborted (failed
 * with {@code multihost.hosts.shortfall=fail}; never left waiting). A class that needs more hosts
 * than the provider can ever give is aborted so before any host is started. Thread-safe. Internal.
 *
 * <p>The pool's lock guards only who holds which host: asking the provider (which may start
 * hosts) and probing hosts over SSH happen outside it, so a class returning its hosts never waits
 * behind another class's slow provider. What a provider offers is claimed under the lock at once,
 * and the provider sees the claimed and leased hosts as a live view, so no two classes get one host.
 *
 * <p>Hosts that other runs share (a provider's {@link HostProvider#sharedWithOtherRuns()}) are also
 * taken from a {@link LeaseStore} once claimed here, and given back to it as they are freed here: a
 * host another run holds is busy, as one another class holds is, but comes back without a signal,
 * so a class waiting for one asks again shortly.
 */
public final class HostPool implements AutoCloseable {

    /** The store namespace (one part) under which the pool lives in the launcher session's store. */
    public static final String NAMESPACE = "io.junitmultihost";

    /** The store key of the pool. */
    public static final String KEY = "host-pool";

    private static final Logger LOG = LoggerFactory.getLogger(HostPool.class);
    /** How often a quorum role asks again for hosts that did not answer. */
    private static final Duration RECHECK_SILENT = Duration.ofSeconds(1);
    /** About how often a class asks again for hosts other runs hold (varied, so that two runs that want each other's hosts part). */
    private static final Duration RECHECK_ELSEWHERE = Duration.ofMillis(500);
    /** How often a class waiting for hosts looks whether its run was cancelled. */
    private static final Duration CANCEL_POLL = Duration.ofMillis(100);
    /** The longest random pause before a class that lost a race for hosts asks again. */
    private static final Duration RACE_PAUSE = Duration.ofMillis(20);

    private final HostSettings settings;
    private final HostProvider provider;
    private final SshConnections connections;
    /** Leases across processes, for hosts other runs share; {@link LeaseStore#NONE} for the others. */
    private final LeaseStore leases;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    /** Who holds each host, leased or claimed while a lease is gathered; changed under the lock only. */
    private final Map<String, Claim> held = new ConcurrentHashMap<>();
    /** The hosts held, as providers see them: live and read-only. */
    private final Set<String> busyView = Collections.unmodifiableSet(held.keySet());
    private final HostEvents events = new HostEvents();
    private final SyncService sync;
    /** Counts the times hosts became free; guarded by the lock. */
    private long freed;
    /** Owns each class's owner, so that a class still running when the pool closes or the JVM exits is stopped. */
    private final Owner run = Owner.forRun("the run");
    private boolean closed;

    private HostPool(HostSettings settings, HostProvider provider, LeaseStore leases, SshPool ssh) {
        this.settings = settings;
        this.sync = new SyncService(settings.connectTimeout().plus(settings.execTimeout()));
        this.provider = provider;
        this.leases = leases;
        this.connections = new SshConnections(ssh, settings.connectTimeout());
        leases.onLoss(this::lost);
    }

    /**
     * Creates a pool with the provider named in {@code settings}.
     *
     * @throws ConfigurationException when no such provider is on the class path, or the provider
     *     refuses its configuration
     */
    public static HostPool create(HostSettings settings) {
        HostProvider provider = ProviderLoader.create(settings);
        LOG.info("junit-multihost [{}]: hosts come from provider [{}].", EngineVersion.get(), settings.provider());
        LeaseStore leases = leasesFor(settings, provider);
        return new HostPool(settings, provider, leases, SshPool.create());
    }

    /**
     * Creates a pool over {@code provider}, given rather than found by name: for benchmarks and
     * tools that start hosts themselves. The pool closes the provider when it is closed.
     */
    public static HostPool create(HostSettings settings, HostProvider provider) {
        LeaseStore leases = leasesFor(settings, provider);
        return new HostPool(settings, provider, leases, SshPool.create());
    }

    /** The lease store for the provider's hosts; closes the provider when there can be none. */
    private static LeaseStore leasesFor(HostSettings settings, HostProvider provider) {
        try {
            LeaseStore leases = HostLeases.open(settings.config(), provider.sharedWithOtherRuns());
            if (leases != LeaseStore.NONE) {
                LOG.info("Other runs may share the hosts of provider [{}]: each is leased through {} too.", settings.provider(),
                        leases.describe());
            }
            return leases;
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
    }

    /**
     * The pool of the launcher session that {@code requestStore} (an execution request's store)
     * belongs to, created with {@code parameters} when it is the first.
     *
     * @throws ConfigurationException when the pool cannot be made (see {@link SessionPool#get})
     */
    public static HostPool inSession(NamespacedHierarchicalStore<Namespace> requestStore,
            Supplier<Map<String, String>> parameters) {
        NamespacedHierarchicalStore<Namespace> session = requestStore.getParent().orElse(requestStore);
        return session.computeIfAbsent(Namespace.create(NAMESPACE), KEY,
                key -> new SessionPool(() -> create(HostSettings.from(parameters.get()))), SessionPool.class).get();
    }

    /**
     * The session's stream of host state changes and expected absences: reboots publish there, and
     * the Sync integration ({@link HostEvents#onAbsence}) and {@code StateWait} handles subscribe.
     */
    public HostEvents events() {
        return events;
    }

    /** The settings the pool was made with. */
    public HostSettings settings() {
        return settings;
    }

    /** The most hosts the provider can ever give (its {@code maxHosts}); cheap, starts nothing. */
    public int supply() {
        return provider.maxHosts();
    }

    /**
     * Leases hosts for every role to {@code owner}: the role's count when the provider has them,
     * at least its min. A role whose min is below its count is gathered under a quorum
     * (target count, minimum min, countdown {@code multihost.hosts.countdown}): its hosts must
     * answer over SSH to count, and once it has its min it waits for more only while more may
     * still come (hosts leased to other classes, hosts that did not answer yet) and at most for the
     * countdown; then the test starts with what it has.
     *
     * @throws TestAbortedException when the provider can never give the roles their mins (before
     *     anything is started), or a role cannot get its min within {@code multihost.hosts.timeout};
     *     the reason is logged too ({@link HostUnavailableException} instead with
     *     {@code multihost.hosts.shortfall=fail})
     * @throws ConfigurationException when the pool is closed, or the provider says the roles can
     *     never be served here
     */
    public HostLease lease(String owner, List<RoleDeclaration> roles) {
        return lease(owner, roles, () -> false);
    }

    /**
     * As {@link #lease(String, List)}, for a class of a run that may be cancelled: while the class
     * waits for hosts, {@code cancelled} is asked every {@link #CANCEL_POLL}, and once it says yes
     * the class gives back what it claimed and is aborted. Time spent waiting while hosts are
     * leased to other classes (queueing behind them) does not count against
     * {@code multihost.hosts.timeout}: they come back when those classes end (unless this thread
     * holds hosts itself: a class nested in one holding hosts may be waiting for itself).
     *
     * @throws TestAbortedException also when the run was cancelled while the class waited
     */
    public HostLease lease(String owner, List<RoleDeclaration> roles, BooleanSupplier cancelled) {
        checkCapacity(owner, roles);
        long end = System.nanoTime() + settings.hostsTimeout().toNanos();
        Claim claim = new Claim(owner);
        Map<String, QuorumClock> clocks = new HashMap<>();
        Map<String, Set<String>> silentByRole = new HashMap<>();
        boolean waited = false;
        boolean granted = false;
        try {
            while (true) {
                checkCancelled(owner, cancelled);
                long[] before = freedSoFar(owner, claim);
                claim.raced = false;
                long gatherStart = System.nanoTime();
                Gathered gathered = gather(claim, roles, end, clocks, silentByRole);
                lock.lock();
                try {
                    if (closed) {
                        throw new ConfigurationException("The host pool is closed; class [" + owner + "] came too late.");
                    }
                    Shortfall shortfall = gathered.shortfall();
                    if (shortfall != null && queuedBehindOthers(claim)) {
                        // Asking again while queued behind other classes is queueing too, not the provider being short.
                        end += System.nanoTime() - gatherStart;
                    }
                    long left = end - System.nanoTime();
                    boolean freedMeanwhile = freed - before[0] != claim.frees - before[1];
                    if (shortfall == null && left > 0 && freedMeanwhile && gathered.shortOfCount(roles)) {
                        // hosts came back while this class asked and probed: ask again before settling for fewer
                        release(claim);
                        continue;
                    }
                    if (claim.raced && left > 0 && (shortfall != null || gathered.shortOfCount(roles))) {
                        // Another class asking at the same time won what the provider offered both: ask again, so
                        // that the provider offers (or starts) other hosts rather than this class waiting for those.
                        release(claim);
                        // After a short random pause, so that two classes that keep colliding stop doing so.
                        long pause = ThreadLocalRandom.current().nextLong(RACE_PAUSE.toNanos());
                        long pauseStart = System.nanoTime();
                        returned.awaitNanos(pause);
                        if (queuedBehindOthers(claim)) {
                            end += System.nanoTime() - pauseStart;
                        }
                        continue;
                    }
                    if (shortfall == null && (!gathered.waitForMore() || left <= 0)) {
                        keepOnly(claim, gathered.chosen());
                        granted = true;
                    } else {
                        List<String> others = heldByOthers(claim);
                        if (shortfall != null && ((others.isEmpty() && shortfall.silent().isEmpty() && claim.elsewhere.isEmpty())
                                || left <= 0)) {
                            throw skip(abort(owner, shortfall, waited, others, claim.elsewhere));
                        }
                        // Others may need what this class claimed while it waits.
                        release(claim);
                        if (!waited) {
                            LOG.info("Class [{}] waits for hosts: {} while {}.", owner,
                                    shortfall != null ? "role [" + shortfall.role().name() + "] got [" + shortfall.got().size()
                                            + "] of at least [" + shortfall.role().min() + "]" + silentNote(shortfall.silent())
                                            : "quorum roles have their minimum but not their count, and more may come",
                                    heldNote(others, claim.elsewhere));
                        }
                        waited = true;
                        if (freed - before[0] == claim.frees - before[1]) {
                            // Hosts held by other classes come back with a signal; silent hosts are asked again shortly.
                            // A class queued behind others is not bound by what is left of its own time.
                            boolean queued = queuedBehindOthers(claim);
                            long base = queued ? Math.max(left, RECHECK_SILENT.toNanos()) : left;
                            long nap = gathered.anySilent() ? Math.min(base, RECHECK_SILENT.toNanos()) : base;
                            if (!claim.elsewhere.isEmpty()) {
                                // Other runs give hosts back without a signal.
                                nap = Math.min(nap, ThreadLocalRandom.current().nextLong(RECHECK_ELSEWHERE.toNanos() / 2,
                                        RECHECK_ELSEWHERE.toNanos() * 3 / 2));
                            }
                            for (QuorumClock clock : clocks.values()) {
                                nap = Math.min(nap, clock.nanosToNextTick(nap));
                            }
                            long napStart = System.nanoTime();
                            long napEnd = napStart + Math.max(nap, 1);
                            long othersFreed = freed - claim.frees;
                            while (!closed && freed - claim.frees == othersFreed && napEnd - System.nanoTime() > 0) {
                                returned.awaitNanos(Math.min(napEnd - System.nanoTime(), CANCEL_POLL.toNanos()));
                                checkCancelled(owner, cancelled);
                            }
                            if (queued) {
                                // Queueing behind the run's other classes is not the provider being short.
                                end += System.nanoTime() - napStart;
                            }
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (granted) {
                    logQuorum(owner, roles, gathered.chosen(), silentByRole);
                    return grant(claim, gathered.chosen());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestAbortedException("Class [" + owner + "] was interrupted while waiting for hosts.", e);
        } finally {
            if (!granted) {
                releaseLocked(claim);
            }
        }
    }

    /**
     * Asks the provider for each role's hosts and probes quorum roles' hosts, outside the lock;
     * what the provider offers is claimed at once.
     */
    private Gathered gather(Claim claim, List<RoleDeclaration> roles, long end, Map<String, QuorumClock> clocks,
            Map<String, Set<String>> silentByRole) {
        boolean waitForMore = false;
        boolean anySilent = false;
        Map<String, List<HostSpec>> chosen = new LinkedHashMap<>();
        // Hosts other runs held may be free again: ask for them anew each round.
        claim.elsewhere.clear();
        for (RoleDeclaration role : roles) {
            Set<String> silent = silentByRole.computeIfAbsent(role.name(), r -> new LinkedHashSet<>());
            List<HostSpec> got = claimShared(claim, role, end, silent.size());
            if (role.min() < role.count()) {
                List<HostSpec> answered = answering(got, role.count(), silent);
                List<HostSpec> unused = new ArrayList<>(got);
                unused.removeAll(answered);
                releaseLocked(claim, unused);
                got = answered;
                anySilent |= !silent.isEmpty();
            }
            // A host held elsewhere or silent may come only while the provider could still give this role more.
            boolean more = got.size() < capacity(claim.owner(), role, chosen)
                    && (!heldByOthersLocked(claim).isEmpty() || !silent.isEmpty() || !claim.elsewhere.isEmpty());
            if (got.size() < role.min()) {
                return new Gathered(chosen, new Shortfall(role, got, List.copyOf(silent)), false, anySilent);
            }
            if (got.size() < role.count() && more) {
                QuorumClock clock = clocks.computeIfAbsent(role.name(), r -> new QuorumClock(
                        Quorum.of(role.count(), role.min(), settings.hostsCountdown())));
                waitForMore |= clock.decide(got.size(), role.count() - got.size()) == QuorumClock.Decision.WAIT;
            }
            chosen.put(role.name(), got);
        }
        return new Gathered(chosen, null, waitForMore, anySilent);
    }

    /**
     * The most hosts {@code role} could ever get in this class: what the provider can ever give it
     * ({@link HostProvider#maxHosts(String)}), and no more than it can give at all less what the
     * class's roles gathered before it hold. Cheap, starts nothing.
     */
    private int capacity(String owner, RoleDeclaration role, Map<String, List<HostSpec>> before) {
        int forRole;
        try {
            forRole = provider.maxHosts(role.name());
        } catch (ConfigurationException e) {
            throw cannotServe(owner, role, e);
        }
        long heldBefore = before.values().stream().mapToLong(List::size).sum();
        return (int) Math.max(0, Math.min(forRole, provider.maxHosts() - heldBefore));
    }

    /** Aborts a class whose roles need more hosts than the provider can ever give, before asking it for any. */
    private void checkCapacity(String owner, List<RoleDeclaration> roles) {
        long mins = 0;
        for (RoleDeclaration role : roles) {
            int max;
            try {
                max = provider.maxHosts(role.name());
            } catch (ConfigurationException e) {
                throw cannotServe(owner, role, e);
            }
            if (role.min() > max) {
                throw skip(new TestAbortedException("Class [" + owner + "] needs at least [" + role.min() + "] hosts for role ["
                        + role.name() + "] (count [" + role.count() + "]), but provider [" + settings.provider()
                        + "] can give at most [" + max + "], so none were started."
                        + " Give the provider more hosts (see its multihost.* settings) or lower the role's min."));
            }
            mins += role.min();
        }
        int max = provider.maxHosts();
        if (roles.size() > 1 && mins > max) {
            throw skip(new TestAbortedException("Class [" + owner + "] needs at least [" + mins + "] hosts for its roles together ("
                    + roles.stream().map(r -> r.name() + " [" + r.min() + "]").collect(Collectors.joining(", "))
                    + "; each host serves one role), but provider [" + settings.provider() + "] can give at most [" + max
                    + "], so none were started. Give the provider more hosts (see its multihost.* settings) or lower the roles' mins."));
        }
    }

    /**
     * Claims hosts for {@code role} here and, for hosts other runs share, in the lease store too: a
     * host another run holds is noted in {@link Claim#elsewhere}, freed here, and the provider asked
     * again without it.
     */
    private List<HostSpec> claimShared(Claim claim, RoleDeclaration role, long end, int spare) {
        List<HostSpec> got = new ArrayList<>();
        while (got.size() < role.count() + spare) {
            int left = spare - got.size();
            List<HostSpec> refused = new ArrayList<>();
            Set<String> busyBefore = Set.copyOf(busyView);
            for (HostSpec spec : claim(claim, role, ask(claim, role, remaining(end), left), left, busyBefore)) {
                Optional<String> holder = leases.take(spec, claim.owner());
                if (holder.isPresent()) {
                    claim.elsewhere.put(spec.name(), holder.get());
                    refused.add(spec);
                } else {
                    claim.across.put(spec.name(), spec);
                    got.add(spec);
                }
            }
            releaseLocked(claim, refused);
            if (refused.isEmpty()) {
                break;
            }
        }
        return got;
    }

    private List<HostSpec> ask(Claim claim, RoleDeclaration role, Duration deadline, int spare) {
        List<HostSpec> offered;
        try {
            offered = provider.hosts(role.name(), role.count() + spare, claim.busy, deadline);
        } catch (ConfigurationException e) {
            throw cannotServe(claim.owner(), role, e);
        } catch (io.junitmultihost.api.InfrastructureException e) {
            throw e;
        } catch (RuntimeException e) {
            // a provider that cannot start a host is the infrastructure failing, not the test
            throw new HostUnavailableException("Provider [" + settings.provider() + "] could not give hosts for role ["
                    + role.name() + "] of class [" + claim.owner() + "]: " + e, e);
        }
        List<HostSpec> usable = new ArrayList<>();
        for (HostSpec spec : offered) {
            if (usable.size() < role.count() + spare && spec.canServe(role.name())
                    && usable.stream().noneMatch(u -> u.name().equals(spec.name()))) {
                usable.add(spec);
            }
        }
        return usable;
    }

    /** "Can never be met here" is a mistake to fix, not a shortage to wait out: the class fails. */
    private ConfigurationException cannotServe(String owner, RoleDeclaration role, ConfigurationException e) {
        return new ConfigurationException("Class [" + owner + "] cannot get hosts for role [" + role.name()
                + "] from provider [" + settings.provider() + "]: " + e.getMessage(), e);
    }

    /**
     * Claims those of {@code offered} that nobody holds, for {@code claim}; returns them. Notes on
     * {@code claim} when another class took one that was free when the provider was asked
     * ({@code busyBefore}): classes asking at once are offered the same free hosts.
     */
    private List<HostSpec> claim(Claim claim, RoleDeclaration role, List<HostSpec> offered, int spare, Set<String> busyBefore) {
        lock.lock();
        try {
            List<HostSpec> claimed = new ArrayList<>();
            for (HostSpec spec : offered) {
                if (claimed.size() < role.count() + spare) {
                    Claim other = held.putIfAbsent(spec.name(), claim);
                    if (other == null) {
                        claimed.add(spec);
                    } else if (other != claim && !busyBefore.contains(spec.name())) {
                        // Free when the provider was asked, claimed by another class meanwhile.
                        claim.raced = true;
                    }
                }
            }
            return claimed;
        } finally {
            lock.unlock();
        }
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
        Map<HostSpec, Outcome<RemoteResult>> answers = connections.readBootIds(offered, settings.connectTimeout());
        List<HostSpec> answered = new ArrayList<>();
        answers.forEach((spec, outcome) -> {
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
        Map<String, List<HostSpec>> before = new LinkedHashMap<>();
        for (RoleDeclaration role : roles) {
            List<HostSpec> hosts = chosen.getOrDefault(role.name(), List.of());
            int got = hosts.size();
            if (got < role.count() && role.min() < role.count()) {
                int capacity = capacity(owner, role, before);
                // why it went on with fewer: the provider can give no more, or the rest did not come in time
                String why = got >= capacity ? ": provider [" + settings.provider() + "] can give it at most [" + capacity
                        + "], so no more can come" : silentNote(List.copyOf(silentByRole.getOrDefault(role.name(), Set.of())));
                LOG.info("Class [{}] starts role [{}] with [{}] of [{}] hosts (min [{}]){}.", owner, role.name(), got,
                        role.count(), role.min(), why);
            }
            before.put(role.name(), hosts);
        }
    }

    /** {@code [a] are leased to other classes and hosts [b (pid ...)] to other test runs}. */
    private static String heldNote(List<String> others, Map<String, String> elsewhere) {
        if (elsewhere.isEmpty()) {
            return few(others) + " are leased to other classes";
        }
        String there = few(heldElsewhere(elsewhere));
        return others.isEmpty() ? "hosts " + there + " are leased to other test runs"
                : few(others) + " are leased to other classes and hosts " + there + " to other test runs";
    }

    /** {@code host-1 (pid 4711 on [ci-7], class [a.B], since ...)}, by name. */
    private static List<String> heldElsewhere(Map<String, String> elsewhere) {
        return elsewhere.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + " (" + e.getValue() + ")")
                .toList();
    }

    private static String silentNote(List<String> silent) {
        return silent.isEmpty() ? "" : "; hosts " + few(silent) + " did not answer";
    }

    /** {@code [host-1, host-2, host-3, ... 29 more]}: a few names, so that a message stays one readable line. */
    static String few(List<String> names) {
        int shown = names.size() <= 4 ? names.size() : 3;
        String listed = String.join(", ", names.subList(0, shown));
        return "[" + listed + (shown < names.size() ? ", ... " + (names.size() - shown) + " more" : "") + "]";
    }

    /** How long a lease looks for the token files a killed test JVM left on its hosts. */
    private static final Duration STALE_FILES_LOOK = Duration.ofSeconds(5);

    /** Makes the lease of hosts already claimed for {@code claim}; no lock held. */
    private HostLease grant(Claim claim, Map<String, List<HostSpec>> chosen) {
        String owner = claim.owner();
        // best effort, and short: a host that does not answer now fails the class's first call on it, as before
        Duration look = settings.connectTimeout().compareTo(STALE_FILES_LOOK) < 0 ? settings.connectTimeout() : STALE_FILES_LOOK;
        connections.removeStaleTokenFiles(chosen.values().stream().flatMap(List::stream).toList(), look);
        Owner started = run.child("class [" + owner + "]");
        Map<String, List<Host>> byRole = new LinkedHashMap<>();
        chosen.forEach((role, specs) -> {
            List<Host> hosts = new ArrayList<>();
            for (HostSpec spec : specs) {
                hosts.add(new RemoteHost(spec, connections.of(spec), Set.of(role), settings, events, started,
                        RolesEnvironment.of(chosen, role)));
            }
            byRole.put(role, hosts);
        });
        HostCluster cluster = new HostCluster(byRole, settings.fanoutParallelism(), events,
                c -> sync.open(owner, c.hosts(), events), c -> openVms(owner, c), started);
        HostLease lease = new HostLease(owner, cluster, started, this::giveBack);
        chosen.forEach((role, specs) -> specs.forEach(spec -> events.record().add("lease", spec.name(), owner,
                "role", role, "address", spec.address())));
        claim.lease = lease;
        String lost = claim.lost;
        if (lost != null) {
            lease.lose(lost);
        }
        LOG.info("Leased hosts {} to class [{}].", lease.describe(), owner);
        return lease;
    }

    private VmMaster openVms(String owner, HostCluster cluster) {
        return new VmMaster(owner, VmSettings.from(settings.config(), settings.execTimeout()),
                (host, port) -> ((SyncReachable) host).forwardToTestJvm(port, settings.connectTimeout()),
                host -> ((ClassSync) cluster.sync()).envFile(host), cluster.vmEvents());
    }

    private void giveBack(HostLease lease) {
        lock.lock();
        try {
            for (String name : lease.hostNames()) {
                Claim claim = held.remove(name);
                HostSpec across = claim == null ? null : claim.across.remove(name);
                if (across != null) {
                    leases.give(across).ifPresent(lease::lose);
                }
            }
            freed++;
            returned.signalAll();
        } finally {
            lock.unlock();
        }
        lease.hostNames().forEach(host -> events.record().add("release", host, lease.owner()));
        LOG.debug("Class [{}] returned hosts {}.", lease.owner(), lease.hostNames());
    }

    /** How often hosts were freed so far, by anyone and by {@code claim}: to see whether others freed any since. */
    private long[] freedSoFar(String owner, Claim claim) {
        lock.lock();
        try {
            if (closed) {
                throw new ConfigurationException("The host pool is closed; class [" + owner + "] came too late.");
            }
            return new long[] {freed, claim.frees};
        } finally {
            lock.unlock();
        }
    }

    /** Keeps {@code claim}'s hosts in {@code chosen} (they are leased now) and frees the rest; lock held. */
    private void keepOnly(Claim claim, Map<String, List<HostSpec>> chosen) {
        Set<String> keep = new HashSet<>();
        chosen.values().forEach(specs -> specs.forEach(spec -> keep.add(spec.name())));
        List<String> extra = held.entrySet().stream().filter(e -> e.getValue() == claim && !keep.contains(e.getKey()))
                .map(Map.Entry::getKey).toList();
        free(claim, extra);
    }

    /** Frees every host {@code claim} holds; lock held. */
    private void release(Claim claim) {
        free(claim, held.entrySet().stream().filter(e -> e.getValue() == claim).map(Map.Entry::getKey).toList());
    }

    private void releaseLocked(Claim claim) {
        lock.lock();
        try {
            release(claim);
        } finally {
            lock.unlock();
        }
    }

    private void releaseLocked(Claim claim, List<HostSpec> specs) {
        lock.lock();
        try {
            free(claim, specs.stream().map(HostSpec::name).toList());
        } finally {
            lock.unlock();
        }
    }

    private void free(Claim claim, List<String> names) {
        boolean any = false;
        for (String name : names) {
            if (held.remove(name, claim)) {
                any = true;
                HostSpec across = claim.across.remove(name);
                if (across != null) {
                    leases.give(across);
                }
            }
        }
        if (any) {
            freed++;
            claim.frees++;
            returned.signalAll();
        }
    }

    /** The hosts other classes hold or are claiming, sorted; lock held. */
    private List<String> heldByOthers(Claim claim) {
        return held.entrySet().stream().filter(e -> e.getValue() != claim).map(Map.Entry::getKey).sorted().toList();
    }

    /**
     * Whether {@code claim}'s class queues behind other classes: they hold hosts on other threads,
     * leased or claimed while they gather (starting hosts can take seconds on a loaded machine), and
     * this thread holds none. A class whose own thread holds hosts (a nested class inside its
     * enclosing one) may be waiting for itself: its clock runs, so that it is aborted rather than
     * deadlocked. Lock held.
     */
    private boolean queuedBehindOthers(Claim claim) {
        Thread self = Thread.currentThread();
        boolean others = false;
        for (Claim c : held.values()) {
            if (c != claim) {
                if (c.thread == self) {
                    return false;
                }
                others = true;
            }
        }
        return others;
    }

    private void checkCancelled(String owner, BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new TestAbortedException("Class [" + owner + "] was not run: the run was cancelled while it waited for hosts.");
        }
    }

    private List<String> heldByOthersLocked(Claim claim) {
        lock.lock();
        try {
            return heldByOthers(claim);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The lease store says the leases it held may be lost: the classes that hold them stop their
     * work on those hosts and fail ({@link HostLease#lose}); one still gathering fails as it starts.
     */
    private void lost(String reason) {
        for (Claim claim : Set.copyOf(held.values())) {
            if (!claim.across.isEmpty()) {
                claim.lost = reason;
                HostLease lease = claim.lease;
                if (lease != null) {
                    lease.lose(reason);
                }
            }
        }
    }

    private TestAbortedException abort(String owner, Shortfall shortfall, boolean waited, List<String> others,
            Map<String, String> elsewhere) {
        RoleDeclaration role = shortfall.role();
        List<String> got = shortfall.got().stream().map(HostSpec::name).toList();
        return new TestAbortedException("Class [" + owner + "] needs at least [" + role.min() + "] hosts for role ["
                + role.name() + "] (count [" + role.count() + "]), but provider [" + settings.provider() + "] gave ["
                + got.size() + "] " + few(got) + silentNote(shortfall.silent())
                + (others.isEmpty() ? "" : " while hosts " + few(others) + " were leased to other classes")
                + (elsewhere.isEmpty() ? "" : (others.isEmpty() ? " while hosts " : " and hosts ") + few(heldElsewhere(elsewhere))
                        + " were leased to other test runs")
                + (waited ? " within [" + HumanDuration.of(settings.hostsTimeout()) + "]" : "")
                + ". Give the provider more hosts (see its multihost.* settings) or lower the role's min.");
    }

    /**
     * Says on the console why a class cannot run, as reports say it; the class is skipped, or
     * fails with {@code multihost.hosts.shortfall=fail}.
     */
    private RuntimeException skip(TestAbortedException abort) {
        if (settings.failWhenShort()) {
            LOG.warn("{} The class fails ([{}] is [fail]).", abort.getMessage(), Constants.HOSTS_SHORTFALL_PROPERTY_NAME);
            return new HostUnavailableException(abort.getMessage() + " The class fails rather than being skipped because ["
                    + Constants.HOSTS_SHORTFALL_PROPERTY_NAME + "] is [fail].", abort);
        }
        LOG.warn("{} The class is skipped.", abort.getMessage());
        return abort;
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
        writeReport().stream().filter(f -> f.getFileName().toString().endsWith(".html")).findFirst()
                .ifPresent(page -> LOG.info("The run's timeline: [{}]", page.toUri()));
        leases.close();
        try {
            connections.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the SSH connections failed: {}", e.toString());
        }
        try {
            provider.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing host provider [{}] failed: {}", settings.provider(), e.toString());
        }
        LOG.debug("Host pool of provider [{}] closed.", settings.provider());
    }

    /**
     * Writes the run's report ({@code events.jsonl}, {@code timeline.html}) into the directory of
     * {@code multihost.report.dir}, and returns the files written; none when it is {@code none} or
     * nothing was recorded. Called at the end of the run and by engines as they finish, so the files
     * can be attached to their results; never throws.
     */
    public List<java.nio.file.Path> writeReport() {
        String dir = settings.config().get(io.junitmultihost.engine.Constants.REPORT_DIR_PROPERTY_NAME,
                io.junitmultihost.engine.Constants.DEFAULT_REPORT_DIR).strip();
        if (dir.equalsIgnoreCase("none") || events.record().events().isEmpty()) {
            return List.of();
        }
        try {
            List<java.nio.file.Path> files = io.junitmultihost.engine.internal.report.RunReport.write(events.record(),
                    java.nio.file.Path.of(dir).toAbsolutePath());
            return files;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("The run's report could not be written to [{}] ({}): set {} to a writable directory, or to none.",
                    dir, e.toString(), io.junitmultihost.engine.Constants.REPORT_DIR_PROPERTY_NAME);
            return List.of();
        }
    }

    /** One lease being gathered: the hosts it claims are held by it, by identity. */
    private final class Claim {
        private final String owner;
        /** The thread the class gathers its hosts in, and runs in while it holds them. */
        private final Thread thread = Thread.currentThread();
        /** How often this claim freed hosts; guarded by the pool's lock. */
        private long frees;
        /** The hosts it took in the lease store too, by name: given back there as they are freed here. */
        private final Map<String, HostSpec> across = new ConcurrentHashMap<>();
        /** Hosts other runs held when this round of gathering asked, with who holds them. */
        private final Map<String, String> elsewhere = new ConcurrentHashMap<>();
        /** What the provider must not offer: hosts held in this JVM and those other runs hold. */
        private final Set<String> busy = new BusyHosts(busyView, elsewhere.keySet());
        private volatile HostLease lease;
        /** Why the lease store may have lost this claim's hosts, if it did. */
        private volatile String lost;
        /** Whether another class took hosts offered to this one since it last asked; only its own class touches it. */
        private boolean raced;

        Claim(String owner) {
            this.owner = owner;
        }

        String owner() {
            return owner;
        }
    }

    private record Shortfall(RoleDeclaration role, List<HostSpec> got, List<String> silent) {
    }

    private record Gathered(Map<String, List<HostSpec>> chosen, Shortfall shortfall, boolean waitForMore, boolean anySilent) {

        boolean shortOfCount(List<RoleDeclaration> roles) {
            return roles.stream().anyMatch(r -> chosen.getOrDefault(r.name(), List.of()).size() < r.count());
        }
    }
}
