package io.junitmultihost.spi;

/**
 * Creates a {@link HostProvider}; registered in
 * {@code META-INF/services/io.junitmultihost.spi.HostProviderFactory}.
 */
public interface HostProviderFactory {

    /** The name users select it by with {@code multihost.provider}, for example {@code embedded}. */
    String name();

    /**
     * Creates the provider for one launcher session; called at most once per session. Check the
     * configuration here, starting nothing that the first test does not need.
     *
     * @throws io.junitmultihost.api.ConfigurationException when the configuration can never work
     *     here, naming the key, its value and the fix: the engine fails the run once with it
     */
    HostProvider create(ProviderConfig config);
}
