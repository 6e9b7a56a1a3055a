package io.junitmultihost.inventory;

/**
 * The configuration parameters of the inventory provider, read from junit-platform.properties or
 * {@code -D}. See docs/INVENTORY.md in the repository for the formats and the precedence rules.
 */
public final class InventoryConstants {

    /** The provider's name, selected with {@code multihost.provider=inventory}: {@value}. */
    public static final String PROVIDER_NAME = "inventory";

    /**
     * The inventory file (our YAML, or an Ansible INI or YAML inventory); required. A leading
     * {@code ~} is the user's home; a relative path is relative to the working directory: {@value}.
     */
    public static final String INVENTORY = "multihost.inventory";

    /**
     * The OpenSSH client configuration to honour; {@code ~/.ssh/config} unless set, {@code none}
     * to ignore any: {@value}.
     */
    public static final String SSH_CONFIG = "multihost.inventory.ssh-config";

    /**
     * Whether host keys are checked strictly, {@code true} unless set. Setting it to {@code false}
     * is the explicit opt-out for throwaway labs; never use it for machines you care about: {@value}.
     */
    public static final String STRICT_HOST_KEY_CHECKING = "multihost.inventory.strict-host-key-checking";

    /**
     * A known_hosts file whose lines vouch for every inventory host's key; unless set, the
     * {@code UserKnownHostsFile} of the SSH config, else the transport's default
     * ({@code ~/.ssh/known_hosts}): {@value}.
     */
    public static final String KNOWN_HOSTS = "multihost.inventory.known-hosts";

    /** The value of {@link #SSH_CONFIG} that turns the SSH config off: {@value}. */
    public static final String NONE = "none";

    private InventoryConstants() {
    }
}
