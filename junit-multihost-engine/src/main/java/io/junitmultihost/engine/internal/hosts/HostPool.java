package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.SshHost;
import io.junitmultihost.ssh.SshPool;
import io.junitmultihost.ssh.SshTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

    private final HostSettings settings;
    private final HostProvider provider;
    private final SshPool ssh;
    private final Map<HostSpec, SshHost> connections = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final Map<String, String> busy = new LinkedHashMap<>();
    private boolean closed;

    private HostPool(HostSettings settings, HostProvider provider, SshPool ssh) {
        this.settings = settings;
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
     * The pool of the launcher session that {@code requestStore} (an execution request's store)
     * belongs to, created with {@code parameters} when it is the first.
     */
    public static HostPool inSession(NamespacedHierarchicalStore<Namespace> requestStore,
            Supplier<Map<String, String>> parameters) {
        NamespacedHierarchicalStore<Namespace> session = requestStore.getParent().orElse(requestStore);
        return session.computeIfAbsent(Namespace.create(NAMESPACE), KEY,
                key -> create(HostSettings.from(parameters.get())), HostPool.class);
    }

    /** The settings the pool was made with. */
    public HostSettings settings() {
        return settings;
    }

    /**
     * Leases hosts for every role to {@code owner}: the role's count when the provider has them,
     * at least its min.
     *
     * @throws TestAbortedException when a role cannot get its min within {@code multihost.hosts.timeout}
     * @throws ConfigurationException when the pool is closed
     */
    public HostLease lease(String owner, List<RoleDeclaration> roles) {
        long end = System.nanoTime() + settings.hostsTimeout().toNanos();
        lock.lock();
        try {
            boolean waited = false;
            while (true) {
                if (closed) {
                    throw new ConfigurationException("The host pool is closed; class [" + owner + "] came too late.");
                }
                Shortfall shortfall = null;
                Map<String, List<HostSpec>> chosen = new LinkedHashMap<>();
                Set<String> taken = new HashSet<>(busy.keySet());
                for (RoleDeclaration role : roles) {
                    List<HostSpec> got = ask(owner, role, taken, remaining(end));
                    if (got.size() < role.min()) {
                        shortfall = new Shortfall(role, got);
                        break;
                    }
                    got.forEach(spec -> taken.add(spec.name()));
                    chosen.put(role.name(), got);
                }
                if (shortfall == null) {
                    return grant(owner, chosen);
                }
                long left = end - System.nanoTime();
                if (busy.isEmpty() || left <= 0) {
                    throw abort(owner, shortfall, waited);
                }
                if (!waited) {
                    LOG.info("Class [{}] waits for hosts: role [{}] got [{}] of at least [{}] while {} are leased"
                            + " to other classes.", owner, shortfall.role().name(), shortfall.got().size(),
                            shortfall.role().min(), busy.keySet());
                }
                waited = true;
                returned.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestAbortedException("Class [" + owner + "] was interrupted while waiting for hosts.", e);
        } finally {
            lock.unlock();
        }
    }

    private List<HostSpec> ask(String owner, RoleDeclaration role, Set<String> taken, Duration deadline) {
        List<HostSpec> offered;
        try {
            offered = provider.hosts(role.name(), role.count(), Set.copyOf(taken), deadline);
        } catch (ConfigurationException e) {
            // "can never be met here": the same as too few hosts, with the provider's reason.
            throw new TestAbortedException("Class [" + owner + "] cannot get hosts for role [" + role.name()
                    + "] from provider [" + settings.provider() + "]: " + e.getMessage(), e);
        }
        List<HostSpec> usable = new ArrayList<>();
        for (HostSpec spec : offered) {
            if (usable.size() < role.count() && spec.canServe(role.name()) && !taken.contains(spec.name())
                    && usable.stream().noneMatch(u -> u.name().equals(spec.name()))) {
                usable.add(spec);
            }
        }
        return usable;
    }

    private HostLease grant(String owner, Map<String, List<HostSpec>> chosen) {
        Map<String, List<Host>> byRole = new LinkedHashMap<>();
        chosen.forEach((role, specs) -> {
            List<Host> hosts = new ArrayList<>();
            for (HostSpec spec : specs) {
                busy.put(spec.name(), owner);
                hosts.add(new RemoteHost(spec, connection(spec), Set.of(role), settings));
            }
            byRole.put(role, hosts);
        });
        HostLease lease = new HostLease(owner, new HostCluster(byRole, settings.fanoutParallelism()), this::giveBack);
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
                + shortfall.got().size() + "]" + shortfall.got().stream().map(HostSpec::name).toList() + others
                + (waited ? " within [" + settings.hostsTimeout() + "]" : "")
                + ". Give the provider more hosts (see its multihost.* settings) or lower the role's min.");
    }

    private static Duration remaining(long end) {
        return Duration.ofNanos(Math.max(end - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1)));
    }

    /** Closes every SSH connection, then the provider; never throws. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            returned.signalAll();
        } finally {
            lock.unlock();
        }
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

    private record Shortfall(RoleDeclaration role, List<HostSpec> got) {
    }
}
