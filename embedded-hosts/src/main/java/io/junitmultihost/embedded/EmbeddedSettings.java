package io.junitmultihost.embedded;

import static io.junitmultihost.embedded.EmbeddedHostProviderFactory.CMDLINE;
import static io.junitmultihost.embedded.EmbeddedHostProviderFactory.MAX_HOSTS;
import static io.junitmultihost.embedded.EmbeddedHostProviderFactory.REBOOT_DOWN_TIME;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HumanDuration;
import io.junitmultihost.spi.ProviderConfig;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** The embedded provider's configuration, read once and checked. */
record EmbeddedSettings(int maxHosts, Duration rebootDownTime, String cmdlineTemplate, Map<String, String> cmdlineByHost) {

    static final int DEFAULT_MAX_HOSTS = 32;
    static final Duration DEFAULT_REBOOT_DOWN_TIME = Duration.ofSeconds(1);
    static final String DEFAULT_CMDLINE = "BOOT_IMAGE=/vmlinuz-embedded root=/dev/embedded ro quiet multihost.host={host}";

    EmbeddedSettings {
        if (maxHosts < 1) {
            throw new ConfigurationException("Configuration parameter [" + MAX_HOSTS + "] must be at least 1, was [" + maxHosts + "].");
        }
        if (rebootDownTime.isNegative()) {
            throw new ConfigurationException("Configuration parameter [" + REBOOT_DOWN_TIME + "] must not be negative, was [" + HumanDuration.of(rebootDownTime) + "].");
        }
        checkCmdline(CMDLINE, cmdlineTemplate);
        cmdlineByHost.forEach((host, line) -> checkCmdline(CMDLINE + "." + host, line));
        cmdlineByHost = Map.copyOf(cmdlineByHost);
    }

    /** The defaults: 32 hosts, down for 1 s on reboot, the default command line. */
    static EmbeddedSettings defaults() {
        return new EmbeddedSettings(DEFAULT_MAX_HOSTS, DEFAULT_REBOOT_DOWN_TIME, DEFAULT_CMDLINE, Map.of());
    }

    static EmbeddedSettings from(ProviderConfig config) {
        Map<String, String> byHost = new TreeMap<>();
        String prefix = CMDLINE + ".";
        config.asMap().forEach((key, value) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                config.get(key).ifPresent(v -> byHost.put(key.substring(prefix.length()), v));
            }
        });
        return new EmbeddedSettings(
                config.getInt(MAX_HOSTS, DEFAULT_MAX_HOSTS),
                config.getDuration(REBOOT_DOWN_TIME, DEFAULT_REBOOT_DOWN_TIME),
                config.get(CMDLINE, DEFAULT_CMDLINE),
                byHost);
    }

    /** The configured kernel command line of {@code host}, with {@code {host}} replaced. */
    String cmdlineFor(String host) {
        return cmdlineByHost.getOrDefault(host, cmdlineTemplate).replace("{host}", host);
    }

    EmbeddedSettings withRebootDownTime(Duration downTime) {
        return new EmbeddedSettings(maxHosts, downTime, cmdlineTemplate, cmdlineByHost);
    }

    EmbeddedSettings withMaxHosts(int max) {
        return new EmbeddedSettings(max, rebootDownTime, cmdlineTemplate, cmdlineByHost);
    }

    private static void checkCmdline(String key, String line) {
        if (line.isBlank() || line.indexOf('\n') >= 0 || line.indexOf('\0') >= 0) {
            throw new ConfigurationException("Configuration parameter [" + key + "] must be one non-blank line, was [" + line + "].");
        }
    }
}
