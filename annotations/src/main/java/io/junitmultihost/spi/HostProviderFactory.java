package io.junitmultihost.spi;

/**
 * Creates a {@link HostProvider}; registered in
 * {@code META-INF/services/io.junitmultihost.spi.HostProviderFactory}.
 */
public interface HostProviderFactory {

    /** The name users select it by with {@code multihost.provider}, for example {@code embedded}. */
    String name();

    /** Creates the provider for one launcher session; called at most once per session. */
    HostProvider create(ProviderConfig config);
}
