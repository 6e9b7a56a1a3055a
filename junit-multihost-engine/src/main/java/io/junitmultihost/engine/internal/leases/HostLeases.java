package io.junitmultihost.engine.internal.leases;

import static io.junitmultihost.engine.Constants.DEFAULT_LEASES_ZOOKEEPER_CONNECT_TIMEOUT;
import static io.junitmultihost.engine.Constants.DEFAULT_LEASES_ZOOKEEPER_ROOT;
import static io.junitmultihost.engine.Constants.DEFAULT_LEASES_ZOOKEEPER_SESSION_TIMEOUT;
import static io.junitmultihost.engine.Constants.LEASES_DIRECTORY_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.LEASES_ZOOKEEPER_CONNECT_TIMEOUT_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.LEASES_ZOOKEEPER_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.LEASES_ZOOKEEPER_ROOT_PROPERTY_NAME;
import static io.junitmultihost.engine.Constants.LEASES_ZOOKEEPER_SESSION_TIMEOUT_PROPERTY_NAME;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Opens the lease store a run's settings ask for: none for hosts that are the run's alone, ZooKeeper
 * with {@code multihost.leases.zookeeper}, else lock files on this machine. Internal.
 */
public final class HostLeases {

    private HostLeases() {
    }

    /**
     * The store for a provider whose hosts other runs share ({@code shared}), or {@link LeaseStore#NONE}.
     *
     * @throws ConfigurationException for a bad setting, a lease directory that cannot be used, Curator
     *     missing from the class path, or a ZooKeeper ensemble that does not answer in time
     */
    public static LeaseStore open(ProviderConfig config, boolean shared) {
        if (!shared) {
            return LeaseStore.NONE;
        }
        Optional<String> ensemble = config.get(LEASES_ZOOKEEPER_PROPERTY_NAME).map(String::strip).filter(e -> !e.isEmpty());
        if (ensemble.isPresent()) {
            String root = config.get(LEASES_ZOOKEEPER_ROOT_PROPERTY_NAME, DEFAULT_LEASES_ZOOKEEPER_ROOT).strip();
            if (!root.startsWith("/") || root.endsWith("/") || root.contains("//")) {
                throw new ConfigurationException("Configuration parameter [" + LEASES_ZOOKEEPER_ROOT_PROPERTY_NAME
                        + "] must be a ZooKeeper path such as [" + DEFAULT_LEASES_ZOOKEEPER_ROOT + "], was [" + root + "].");
            }
            Duration session = positive(config, LEASES_ZOOKEEPER_SESSION_TIMEOUT_PROPERTY_NAME,
                    DEFAULT_LEASES_ZOOKEEPER_SESSION_TIMEOUT);
            Duration connect = positive(config, LEASES_ZOOKEEPER_CONNECT_TIMEOUT_PROPERTY_NAME,
                    DEFAULT_LEASES_ZOOKEEPER_CONNECT_TIMEOUT);
            try {
                return ZooKeeperLeases.connect(ensemble.get(), root, session, connect);
            } catch (NoClassDefFoundError e) {
                throw new ConfigurationException("[" + LEASES_ZOOKEEPER_PROPERTY_NAME + "] is set, but Apache Curator is not on"
                        + " the test class path (" + e.getMessage() + "). Add the test dependency"
                        + " org.apache.curator:curator-framework (5.9.0 or later), or remove the key to lease hosts on this"
                        + " machine only.", e);
            }
        }
        Optional<String> directory = config.get(LEASES_DIRECTORY_PROPERTY_NAME).map(String::strip).filter(d -> !d.isEmpty());
        return directory.isPresent() ? FileLeases.in(Path.of(directory.get()).toAbsolutePath().normalize())
                : FileLeases.forUser();
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
