package io.junitmultihost.engine.internal.hosts;

import static io.junitmultihost.engine.Constants.CONNECT_TIMEOUT_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.DEFAULT_CONNECT_TIMEOUT;
import static io.junitmultihost.engine.Constants.DEFAULT_EXEC_TIMEOUT;
import static io.junitmultihost.engine.Constants.DEFAULT_FANOUT_PARALLELISM;
import static io.junitmultihost.engine.Constants.DEFAULT_HOSTS_COUNTDOWN;
import static io.junitmultihost.engine.Constants.DEFAULT_HOSTS_SHORTFALL;
import static io.junitmultihost.engine.Constants.DEFAULT_HOSTS_TIMEOUT;
import static io.junitmultihost.engine.Constants.DEFAULT_PROVIDER;
import static io.junitmultihost.engine.Constants.DEFAULT_REBOOT_COMMAND;
import static io.junitmultihost.engine.Constants.DEFAULT_REBOOT_TIMEOUT;
import static io.junitmultihost.engine.Constants.EXEC_TIMEOUT_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.FANOUT_PARALLELISM_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.HOSTS_COUNTDOWN_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.HOSTS_SHORTFALL_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.HOSTS_TIMEOUT_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.PROVIDER_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.REBOOT_COMMAND_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.REBOOT_TIMEOUT_PROPERTY_NAME;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.ProviderConfig;
import java.time.Duration;
import java.util.Map;

/**
 * The engine's settings, read once per launcher session from the {@code multihost.*}
 * configuration parameters, with the defaults of {@link io.junitmultihost.engine.Constants}.
 * Internal.
 *
 * @param config every {@code multihost.*} parameter, handed to the provider as it is
 * @param provider the provider's name
 * @param execTimeout the default deadline of a remote command
 * @param connectTimeout the deadline of connecting to one host
 * @param hostsTimeout how long gathering one class's hosts may take
 * @param rebootTimeout how long asking for a reboot may take
 * @param rebootCommand the command that reboots a host
 * @param fanoutParallelism at most how many hosts a fan-out drives at once
 * @param hostsCountdown how long gathering a quorum role waits for more hosts once it has its min
 * @param failWhenShort whether a class short of hosts fails rather than being skipped
 */
public record HostSettings(ProviderConfig config, String provider, Duration execTimeout, Duration connectTimeout,
        Duration hostsTimeout, Duration rebootTimeout, String rebootCommand, int fanoutParallelism,
        Duration hostsCountdown, boolean failWhenShort) {

    /** Reads the settings; a {@link ConfigurationException} naming the key for a bad value. */
    public static HostSettings from(Map<String, String> parameters) {
        ProviderConfig config = new ProviderConfig(parameters);
        int parallelism = config.getInt(FANOUT_PARALLELISM_PROPERTY_NAME, Integer.parseInt(DEFAULT_FANOUT_PARALLELISM));
        if (parallelism < 1) {
            throw new ConfigurationException("Configuration parameter [" + FANOUT_PARALLELISM_PROPERTY_NAME
                    + "] must be at least 1, was [" + parallelism + "].");
        }
        return new HostSettings(config, config.get(PROVIDER_PROPERTY_NAME, DEFAULT_PROVIDER),
                positive(config, EXEC_TIMEOUT_PROPERTY_NAME, DEFAULT_EXEC_TIMEOUT),
                positive(config, CONNECT_TIMEOUT_PROPERTY_NAME, DEFAULT_CONNECT_TIMEOUT),
                positive(config, HOSTS_TIMEOUT_PROPERTY_NAME, DEFAULT_HOSTS_TIMEOUT),
                positive(config, REBOOT_TIMEOUT_PROPERTY_NAME, DEFAULT_REBOOT_TIMEOUT),
                config.get(REBOOT_COMMAND_PROPERTY_NAME, DEFAULT_REBOOT_COMMAND), parallelism,
                notNegative(config, HOSTS_COUNTDOWN_PROPERTY_NAME, DEFAULT_HOSTS_COUNTDOWN),
                failWhenShort(config));
    }

    private static boolean failWhenShort(ProviderConfig config) {
        String value = config.get(HOSTS_SHORTFALL_PROPERTY_NAME, DEFAULT_HOSTS_SHORTFALL).toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("skip") && !value.equals("fail")) {
            throw new ConfigurationException("Configuration parameter [" + HOSTS_SHORTFALL_PROPERTY_NAME
                    + "] must be [skip] or [fail], was [" + value + "].");
        }
        return value.equals("fail");
    }

    private static Duration notNegative(ProviderConfig config, String key, String defaultValue) {
        Duration value = config.getDuration(key, ProviderConfig.parseDuration(key, defaultValue));
        if (value.isNegative()) {
            throw new ConfigurationException("Configuration parameter [" + key + "] must not be negative, was ["
                    + config.get(key, defaultValue) + "].");
        }
        return value;
    }

    private static Duration positive(ProviderConfig config, String key, String defaultValue) {
        Duration value = config.getDuration(key, ProviderConfig.parseDuration(key, defaultValue));
        if (value.isNegative() || value.isZero()) {
            throw new ConfigurationException("Configuration parameter [" + key + "] must be a positive duration, was ["
                    + config.get(key, defaultValue) + "].");
        }
        return value;
    }
}
