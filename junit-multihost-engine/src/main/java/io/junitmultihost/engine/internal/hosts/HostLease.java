package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Cluster;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The hosts one test class holds, from lease to return. Closing returns them to the pool (once;
 * closing again does nothing). Internal.
 */
public final class HostLease implements AutoCloseable {

    private final String owner;
    private final HostCluster cluster;
    private final Consumer<HostLease> giveBack;
    private final AtomicBoolean returned = new AtomicBoolean();

    HostLease(String owner, HostCluster cluster, Consumer<HostLease> giveBack) {
        this.owner = owner;
        this.cluster = cluster;
        this.giveBack = giveBack;
    }

    /** Who holds the hosts, a test class name. */
    public String owner() {
        return owner;
    }

    /** The hosts by role, as injected into test methods. */
    public Cluster cluster() {
        return cluster;
    }

    /** The names of the hosts held. */
    public List<String> hostNames() {
        return cluster.hosts().stream().map(h -> h.name()).toList();
    }

    /** {@code db=[host-1], app=[host-2, host-3]}, for reports. */
    public String describe() {
        return cluster.toString();
    }

    /** Ends the class's remote JVMs, kills the processes it started, ends its syncs, then returns the hosts to the pool. */
    @Override
    public void close() {
        if (returned.compareAndSet(false, true)) {
            cluster.endVms();
            cluster.endProcesses();
            cluster.closeSync();
            giveBack.accept(this);
        }
    }

    @Override
    public String toString() {
        return "HostLease[" + owner + ": " + describe() + "]";
    }
}
