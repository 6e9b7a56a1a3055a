package io.junitmultihost.inventory;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed fleet read from an inventory: hands out the hosts that can serve a role, in inventory
 * order, never more than it has and never one named busy. Starts and stops nothing. Immutable,
 * so thread-safe.
 */
final class InventoryHostProvider implements HostProvider {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryHostProvider.class);

    private final Path inventory;
    private final List<HostSpec> hosts;

    InventoryHostProvider(Path inventory, List<HostSpec> hosts) {
        this.inventory = inventory;
        this.hosts = List.copyOf(hosts);
    }

    /** Every host of the inventory, in its order. */
    List<HostSpec> all() {
        return hosts;
    }

    /**
     * {@inheritDoc} Never blocks, so the deadline is not used.
     *
     * @throws ConfigurationException when no host of the inventory can serve {@code role}, naming
     *     the roles it has
     */
    @Override
    public List<HostSpec> hosts(String role, int wanted, Set<String> busy, Duration deadline) {
        List<HostSpec> serving = serving(role);
        List<HostSpec> free = serving.stream().filter(h -> !busy.contains(h.name())).limit(Math.max(0, wanted)).toList();
        LOG.debug("Role [{}]: {} wanted, {} of {} inventory hosts free: {}.", role, wanted, free.size(), serving.size(),
                free.stream().map(HostSpec::name).toList());
        return free;
    }

    /** {@inheritDoc} Every host of the inventory. */
    @Override
    public int maxHosts() {
        return hosts.size();
    }

    /**
     * {@inheritDoc} The inventory's hosts that serve {@code role}.
     *
     * @throws ConfigurationException when none does, naming the roles it has
     */
    @Override
    public int maxHosts(String role) {
        return serving(role).size();
    }

    private List<HostSpec> serving(String role) {
        List<HostSpec> serving = hosts.stream().filter(h -> h.canServe(role)).toList();
        if (serving.isEmpty()) {
            throw new ConfigurationException("The inventory [" + inventory + "] has no host for the role [" + role + "]; its roles are "
                    + roles() + ". Add the role to some hosts (a group of that name in an Ansible inventory) or use one of these.");
        }
        return serving;
    }

    private Set<String> roles() {
        Set<String> roles = new TreeSet<>();
        hosts.forEach(h -> roles.addAll(h.roles()));
        return roles;
    }

    /** {@inheritDoc} Always: the machines of an inventory are there for every run that reads it. */
    @Override
    public boolean sharedWithOtherRuns() {
        return true;
    }

    /** Nothing to stop: the machines are not ours. */
    @Override
    public void close() {
        LOG.debug("Inventory provider for [{}] closed; its hosts stay as they are.", inventory);
    }
}
