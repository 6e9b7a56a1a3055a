package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.spi.HumanDuration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts one test class holds, from lease to return, and the class's {@link Owner} of everything
 * it started on them. Closing stops what the class left running, then returns the hosts to the
 * pool (once; closing again does nothing). Internal.
 */
public final class HostLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostLease.class);

    private final String owner;
    private final HostCluster cluster;
    private final Owner started;
    private final Consumer<HostLease> giveBack;
    private final AtomicBoolean returned = new AtomicBoolean();
    private final List<HostEvents.Subscription> reports = new CopyOnWriteArrayList<>();
    /** Why the hosts may be another run's now, once the lease store lost them. */
    private volatile String lost;

    HostLease(String owner, HostCluster cluster, Owner started, Consumer<HostLease> giveBack) {
        this.owner = owner;
        this.cluster = cluster;
        this.started = started;
        this.giveBack = giveBack;
    }

    /** Who holds the hosts, a test class name. */
    public String owner() {
        return owner;
    }

    /** What the class started and that may still run: reboots, commands, fan-out calls, sync, forwards. */
    public Owner started() {
        return started;
    }

    /** The hosts by role, as injected into test methods. */
    public Cluster cluster() {
        return cluster;
    }

    /** The names of the hosts held. */
    public List<String> hostNames() {
        return cluster.hosts().stream().map(h -> h.name()).toList();
    }

    /**
     * Hands each change of state of the class's hosts (a reboot's steps, a host seen going away) to
     * {@code entries} as a line for a JUnit report entry, until the lease ends: for users who see
     * the IDE's test view or the build's report rather than the log.
     */
    public void reportHostStates(Consumer<String> entries) {
        Set<String> mine = Set.copyOf(hostNames());
        reports.add(cluster.events().subscribe(event -> {
            if (mine.contains(event.host())) {
                entries.accept(event.host() + ": " + event.previous().map(Enum::name).orElse("-") + " -> " + event.to()
                        + event.boot().map(id -> ", boot id " + id).orElse("") + ", after "
                        + HumanDuration.of(event.elapsed()) + (event.detail().isEmpty() ? "" : ": " + event.detail()));
            }
        }));
    }

    /** What the class's syncs and remote JVMs are doing now, for a test past its deadline (see {@code HostCluster}). */
    public String diagnostics() {
        return cluster.diagnostics();
    }

    /** A sync scope of its own for the class's distributed test {@code test}; the caller closes it. */
    public io.junitmultihost.engine.internal.sync.CaseSync openCase(String test, List<Host> parts) {
        return cluster.openCase(test, parts);
    }

    /** {@code db=[host-1], app=[host-2, host-3]}, for reports. */
    public String describe() {
        return cluster.toString();
    }

    /**
     * Stops what the class left running (its reboots, fan-out calls and commands are cancelled, its
     * sync and forwards closed, in that order; see {@link Owner}), then returns the hosts to the
     * pool, even when stopping something failed.
     */
    /**
     * Fails when the hosts may be another run's now (the ZooKeeper session that leased them was
     * lost): no test runs on a host it did not lease.
     *
     * @throws HostUnavailableException naming why
     */
    public void checkHeld() {
        String why = lost;
        if (why != null) {
            throw lostHosts(why);
        }
    }

    /**
     * The lease store lost the hosts: what the class started on them stops now (on a thread of its
     * own, so the store's thread never waits), nothing new starts, and the class fails.
     */
    void lose(String why) {
        if (lost == null) {
            lost = why;
            LOG.error("Class [{}] stops its work on hosts {}: {}.", owner, hostNames(), why);
            Thread stop = new Thread(started::close, "multihost-lost-" + owner);
            stop.setDaemon(true);
            stop.start();
        }
    }

    private HostUnavailableException lostHosts(String why) {
        return new HostUnavailableException("Class [" + owner + "] lost its lease of hosts " + hostNames() + ": " + why
                + ". Its work on them was stopped and it fails; run it again once the lease service is back.");
    }

    /**
     * {@inheritDoc}
     *
     * @throws HostUnavailableException when the lease store lost the hosts while the class held them
     */
    @Override
    public void close() {
        if (returned.compareAndSet(false, true)) {
            reports.forEach(HostEvents.Subscription::close);
            try {
                started.close();
            } finally {
                giveBack.accept(this);
            }
            checkHeld();
        }
    }

    @Override
    public String toString() {
        return "HostLease[" + owner + ": " + describe() + "]";
    }
}
