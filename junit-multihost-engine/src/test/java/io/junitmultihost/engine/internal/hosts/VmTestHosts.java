package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Vms;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.util.List;
import java.util.Map;

/** Lab hosts leased for tests of remote JVMs in other packages. */
public final class VmTestHosts implements AutoCloseable {

    private final HostPool pool;
    private final HostLease lease;

    private VmTestHosts(HostPool pool, HostLease lease) {
        this.pool = pool;
        this.lease = lease;
    }

    /** {@code count} lab hosts of role {@code node}; fails under CI=true when the lab cannot run here. */
    public static VmTestHosts lab(Class<?> owner, int count) {
        LabRebootIT.requireLab();
        HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab",
                "multihost.lab.down-time", "1s")));
        try {
            return new VmTestHosts(pool, pool.lease(owner.getName(), List.of(new RoleDeclaration("node", count, count))));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    public List<Host> hosts() {
        return lease.cluster().hosts();
    }

    public Vms vms() {
        return lease.cluster().vms();
    }

    @Override
    public void close() {
        lease.close();
        pool.close();
    }
}
