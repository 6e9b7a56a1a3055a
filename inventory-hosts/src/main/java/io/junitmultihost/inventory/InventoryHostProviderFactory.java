package io.junitmultihost.inventory;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code inventory} provider: real machines listed in a YAML inventory of ours or an Ansible
 * inventory (INI or YAML), each completed from the user's {@code ~/.ssh/config}. Selected with
 * {@code multihost.provider=inventory} and {@code multihost.inventory=PATH}; the other keys are in
 * {@link InventoryConstants}. Example, in junit-platform.properties:
 *
 * <pre>
 * multihost.provider=inventory
 * multihost.inventory=~/fleet/hosts.yml
 * </pre>
 *
 * <p>The inventory is read and checked when the provider is created, so a bad inventory fails the
 * run at once with a {@link ConfigurationException} naming the file, the line and what is wrong.
 */
public final class InventoryHostProviderFactory implements HostProviderFactory {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryHostProviderFactory.class);

    /** For {@link java.util.ServiceLoader}. */
    public InventoryHostProviderFactory() {
    }

    @Override
    public String name() {
        return InventoryConstants.PROVIDER_NAME;
    }

    /**
     * Reads the inventory named by {@link InventoryConstants#INVENTORY}.
     *
     * @throws ConfigurationException when the key is missing, the file cannot be read, or the
     *     inventory or SSH config is bad
     */
    @Override
    public HostProvider create(ProviderConfig config) {
        String path = config.get(InventoryConstants.INVENTORY).orElseThrow(() -> new ConfigurationException(
                "The inventory provider needs an inventory file; set [" + InventoryConstants.INVENTORY
                        + "=PATH] (junit-platform.properties or -D) to a YAML or Ansible inventory."));
        Path inventory = LocalPaths.resolve(path, null);
        if (!Files.isRegularFile(inventory) || !Files.isReadable(inventory)) {
            String problem = !Files.exists(inventory) ? "does not exist; check the path (relative paths are relative to the working "
                    + "directory [" + Path.of("").toAbsolutePath() + "])."
                    : Files.isDirectory(inventory) ? "is a directory; name one inventory file in it."
                    : "cannot be read; check its permissions.";
            throw new ConfigurationException("The inventory [" + inventory + "] from [" + InventoryConstants.INVENTORY + "=" + path
                    + "] " + problem);
        }
        SshConfig sshConfig = sshConfig(config);
        boolean strict = config.getBoolean(InventoryConstants.STRICT_HOST_KEY_CHECKING, true);
        Path knownHostsFile = config.get(InventoryConstants.KNOWN_HOSTS).map(p -> LocalPaths.resolve(p, null)).orElse(null);
        List<String> knownHosts = knownHostsFile == null ? null : HostSpecResolver.readKnownHosts(knownHostsFile,
                "The known_hosts file from [" + InventoryConstants.KNOWN_HOSTS + "]");

        InventoryFormat.Parsed parsed = InventoryFormat.read(inventory);
        HostSpecResolver resolver = new HostSpecResolver(inventory.getParent(), sshConfig, strict, knownHosts,
                knownHostsFile);
        List<HostSpec> hosts = parsed.hosts().stream().map(resolver::resolve).toList();
        Set<String> roles = new TreeSet<>();
        hosts.forEach(h -> roles.addAll(h.roles()));
        LOG.info("Inventory [{}] ({}): {} hosts, roles {}{}{}.", inventory, parsed.format(), hosts.size(), roles,
                sshConfig.file() != null ? ", SSH config [" + sshConfig.file() + "]" : ", no SSH config",
                strict ? "" : ", host key checking OFF");
        if (!strict) {
            LOG.warn("Host key checking is off ([{}=false]): any machine answering at these addresses is trusted.",
                    InventoryConstants.STRICT_HOST_KEY_CHECKING);
        }
        return new InventoryHostProvider(inventory, hosts);
    }

    private static SshConfig sshConfig(ProviderConfig config) {
        String value = config.get(InventoryConstants.SSH_CONFIG).orElse(null);
        if (value == null) {
            return SshConfig.load(LocalPaths.home().resolve(".ssh").resolve("config"), false);
        }
        if (value.equalsIgnoreCase(InventoryConstants.NONE)) {
            return SshConfig.NONE;
        }
        Path file = LocalPaths.resolve(value, null);
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("The SSH config [" + file + "] (from [" + InventoryConstants.SSH_CONFIG + "=" + value
                    + "]) does not exist; fix the path, or set it to [none] to use no SSH config.");
        }
        return SshConfig.load(file, true);
    }
}
