package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.spi.HumanDuration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The hosts one test class holds, from lease to return, and the class's {@link Owner} of everything
 * it started on them. Closing stops what the class left running, then returns the hosts to the
 * pool (once; closing again does nothing). Internal.
 */
public final class HostLease implements AutoCloseable {

    private final String owner;
    private final HostCluster cluster;
    private final Owner started;
    private final Consumer<HostLease> giveBack;
    private final AtomicBoolean returned = new AtomicBoolean();
    private final List<HostEvents.Subscription> reports = new CopyOnWriteArrayList<>();

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

    /** {@code db=[host-1], app=[host-2, host-3]}, for reports. */
    public String describe() {
        return cluster.toString();
    }

    /**
     * Stops what the class left running (its reboots, fan-out calls and commands are cancelled, its
     * sync and forwards closed, in that order; see {@link Owner}), then returns the hosts to the
     * pool, even when stopping something failed.
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
        }
    }

    @Override
    public String toString() {
        return "HostLease[" + owner + ": " + describe() + "]";
    }
}
