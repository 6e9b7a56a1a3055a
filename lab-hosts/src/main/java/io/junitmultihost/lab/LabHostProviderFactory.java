package io.junitmultihost.lab;

import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import io.junitmultihost.spi.ProviderConfig;

/**
 * Creates the lab host provider ({@code multihost.provider=lab}; Linux, root): real OpenSSH hosts,
 * one per network namespace on a private bridge of this machine, named {@code lab-1},
 * {@code lab-2}, ..., started on demand up to {@value #MAX_HOSTS}. Found by
 * {@link java.util.ServiceLoader}; users do not call it. See {@link Lab} for what a host is, and
 * docs/LAB.md.
 *
 * <p>Each host handed out has been checked over SSH first: {@code reboot} there is the lab's
 * shim and PID 1 is the lab's init. Faults a previous test class left (cut link, packet loss,
 * bandwidth limit, power off) are cleared before a host is handed out again.
 */
public final class LabHostProviderFactory implements HostProviderFactory {

    /** The name users select this provider by: {@value}. */
    public static final String NAME = "lab";

    /** How many hosts to start when the run begins, before any test asks: {@value}; default 0. */
    public static final String HOSTS = "multihost.lab.hosts";

    /** How many hosts the lab holds at most: {@value}; default 100. */
    public static final String MAX_HOSTS = "multihost.lab.max-hosts";

    /**
     * The hosts' subnet in CIDR form: {@value}; default {@value LabOptions#DEFAULT_SUBNET}, or the
     * next free /24 after it when another live lab holds it. Hosts get no default route.
     */
    public static final String SUBNET = "multihost.lab.subnet";

    /** The bridge's name (at most 15 characters): {@value}; default {@code mhl-<lab id>}. */
    public static final String BRIDGE = "multihost.lab.bridge";

    /**
     * How long a rebooted or crashed host stays down before it boots again: {@value}; a duration
     * such as {@code 2s}, {@code 500ms} or {@code PT2S}; default 2s.
     */
    public static final String DOWN_TIME = "multihost.lab.down-time";

    /**
     * What clients see while a host is down: {@value}; {@code link} (its link is down, so
     * connections time out; the default) or {@code refuse} (nothing listens, so they are refused).
     */
    public static final String DOWN_MODE = "multihost.lab.down-mode";

    /** How long a host's boot may take until SSH answers and the safety check passes: {@value}; default 60s. */
    public static final String BOOT_TIMEOUT = "multihost.lab.boot-timeout";

    /**
     * How much nicer than the lab a host's boot work runs (its init, mounts and the boot's safety
     * check; never its sshd or sessions): {@value}; 0 to 19, default 5 (docs/LAB.md).
     */
    public static final String BOOT_NICENESS = "multihost.lab.boot-niceness";

    /** Where labs keep their files: {@value}; default {@value LabOptions#DEFAULT_STATE_DIR}. */
    public static final String STATE_DIR = "multihost.lab.state-dir";

    /**
     * The kernel command line hosts boot with ({@code /proc/cmdline} on the host): {@value}, where
     * {@code {host}} stands for the host's name; default {@value LabOptions#DEFAULT_CMDLINE}. One
     * host's line is set with this key plus {@code .} and its name, e.g.
     * {@code multihost.lab.cmdline.lab-2}. A command on the host sets the line for its next boots
     * by writing the file named by its {@code MULTIHOST_NEXT_CMDLINE} variable.
     */
    public static final String CMDLINE = "multihost.lab.cmdline";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HostProvider create(ProviderConfig config) {
        return new LabHostProvider(LabOptions.fromConfig(config));
    }
}
