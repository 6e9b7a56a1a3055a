package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.Constants;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds the {@link HostProviderFactory} named by {@code multihost.provider} with {@link ServiceLoader}. */
final class ProviderLoader {

    private ProviderLoader() {
    }

    static HostProvider create(HostSettings settings) {
        HostProviderFactory factory = available().get(settings.provider());
        if (factory == null) {
            throw new ConfigurationException("No host provider named [" + settings.provider()
                    + "] is on the class path; available: " + available().keySet() + ". Set ["
                    + Constants.PROVIDER_PROPERTY_NAME
                    + "] to one of them, or add the provider's artifact as a test dependency.");
        }
        return factory.create(settings.config());
    }

    static Map<String, HostProviderFactory> available() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ProviderLoader.class.getClassLoader();
        }
        Map<String, HostProviderFactory> factories = new TreeMap<>();
        try {
            for (HostProviderFactory factory : ServiceLoader.load(HostProviderFactory.class, loader)) {
                factories.putIfAbsent(factory.name(), factory);
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigurationException("A host provider on the class path could not be loaded: ["
                    + e.getMessage() + "]. Check its META-INF/services entry and its dependencies.", e);
        }
        return factories;
    }
}
