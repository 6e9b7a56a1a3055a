/**
 * The host-provider SPI: where hosts come from. A provider ({@code embedded}, {@code lab},
 * {@code inventory}, or your own) is found by {@link java.util.ServiceLoader} through its
 * {@link io.junitmultihost.spi.HostProviderFactory} and chosen with {@code multihost.provider}.
 */
package io.junitmultihost.spi;
