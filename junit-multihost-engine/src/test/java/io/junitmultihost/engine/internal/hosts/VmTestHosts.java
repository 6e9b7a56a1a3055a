package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Vms;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.spi.HostSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        return lab(owner, count, Map.of());
    }

    /** As {@link #lab(Class, int)}, with more settings. */
    public static VmTestHosts lab(Class<?> owner, int count, Map<String, String> more) {
        MustNotSkip.requireLab();
        Map<String, String> settings = new java.util.HashMap<>(Map.of("multihost.provider", "lab",
                "multihost.lab.down-time", "1s"));
        settings.putAll(more);
        return lease(owner, count, settings);
    }

    /** {@code count} hosts of role {@code node} from a pool with {@code settings}. */
    public static VmTestHosts lease(Class<?> owner, int count, Map<String, String> settings) {
        HostPool pool = HostPool.create(HostSettings.from(settings));
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

    public io.junitmultihost.api.Sync sync() {
        return lease.cluster().sync();
    }

    public io.junitmultihost.api.StateWait states() {
        return lease.cluster().states();
    }

    public Vms vms() {
        return lease.cluster().vms();
    }

    public io.junitmultihost.api.Faults faults() {
        return lease.cluster().faults();
    }

    /** The run's record of events, as the report writes it. */
    public java.util.List<java.util.Map<String, Object>> events() {
        return ((HostCluster) lease.cluster()).events().record().events();
    }

    /** Kills every sshd process of {@code host} (listener and sessions) with SIGKILL; its init starts sshd again. */
    public static void killSshd(Host host) {
        LabControl.of(host).killSshd();
    }

    /** Ends the class's lease (its VMs, processes and syncs) but keeps the pool, so hosts can still be asked. */
    public void endClass() {
        lease.close();
    }

    /** A host of this pool leased anew, to look at a host from its side after a class ended. */
    public Host leaseAgain(String owner) {
        return pool.lease(owner, List.of(new RoleDeclaration("node", 1, 1))).cluster().hosts().get(0);
    }

    /**
     * Writes an inventory of ours naming {@code host} (role {@code node}) and its known_hosts file into
     * {@code dir}, and returns the settings another JVM uses to reach it.
     */
    public static Map<String, String> inventoryOf(Host host, Path dir) throws IOException {
        return inventoryOf(List.of(host), null, dir);
    }

    /**
     * As {@link #inventoryOf(Host, Path)} for several hosts, each reached as {@code user} (null: as
     * its own user).
     */
    public static Map<String, String> inventoryOf(List<Host> hosts, String user, Path dir) throws IOException {
        List<String> known = new java.util.ArrayList<>();
        StringBuilder yml = new StringBuilder("hosts:\n");
        for (Host host : hosts) {
            HostSpec spec = ((RemoteHost) host).spec();
            known.addAll(spec.knownHosts());
            yml.append("  - name: ").append(spec.name()).append("\n")
                    .append("    address: ").append(spec.address()).append("\n")
                    .append("    port: ").append(spec.port()).append("\n")
                    .append("    user: ").append(user == null ? spec.user() : user).append("\n")
                    .append("    identity: ").append(spec.identityFile().orElseThrow()).append("\n")
                    .append("    roles: [node]\n");
        }
        Path knownHosts = Files.write(dir.resolve("known_hosts"), known);
        Path inventory = Files.writeString(dir.resolve("hosts.yml"), yml.toString());
        return Map.of("multihost.provider", "inventory", "multihost.inventory", inventory.toString(),
                "multihost.inventory.known-hosts", knownHosts.toString(), "multihost.inventory.ssh-config", "none");
    }

    @Override
    public void close() {
        lease.close();
        pool.close();
    }
}
