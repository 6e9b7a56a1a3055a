package io.junitmultihost.embedded;

import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import io.junitmultihost.spi.ProviderConfig;

/**
 * Creates the embedded host provider, the default one ({@code multihost.provider=embedded} or
 * unset): SSH servers inside the test JVM on 127.0.0.1, named {@code host-1}, {@code host-2},
 * ..., started on demand. Found by {@link java.util.ServiceLoader}; users do not call it.
 *
 * <p>Each host has its own port, host key (handed out as a known_hosts line, so host-key checking
 * stays strict), home directory, environment, boot id and kernel command line; {@code reboot} on
 * a host takes only that host down and brings it back with a new boot id. Commands run in a real
 * {@code /bin/sh} as the current user on the real filesystem: see the package documentation for
 * what is per host and what is shared.
 */
public final class EmbeddedHostProviderFactory implements HostProviderFactory {

    /** The name users select this provider by: {@value}. */
    public static final String NAME = "embedded";

    /** How many hosts the provider starts at most: {@value}; default 32. */
    public static final String MAX_HOSTS = "multihost.embedded.max-hosts";

    /**
     * How long a rebooted host stays down (connections refused) before it comes back with a new
     * boot id: {@value}; a duration such as {@code 1s}, {@code 500ms} or {@code PT2S}; default 1s.
     */
    public static final String REBOOT_DOWN_TIME = "multihost.embedded.reboot-down-time";

    /**
     * The kernel command line hosts boot with: {@value}, where {@code {host}} stands for the host's
     * name. Default {@code BOOT_IMAGE=/vmlinuz-embedded root=/dev/embedded ro quiet
     * multihost.host={host}}. One host's line is set with this key plus {@code .} and the host's
     * name, for example {@code multihost.embedded.cmdline.host-2}. A command on the host can set
     * the line for its next boots by writing the file named by its {@code MULTIHOST_NEXT_CMDLINE}
     * variable, as one would edit the boot loader's entry.
     */
    public static final String CMDLINE = "multihost.embedded.cmdline";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HostProvider create(ProviderConfig config) {
        EmbeddedSettings settings = EmbeddedSettings.from(config);
        MinaLogging.quietUnlessAsked();
        return new EmbeddedHostProvider(settings);
    }
}
