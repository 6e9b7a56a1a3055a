package io.junitmultihost.spi;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A source of hosts for one launcher session. The engine leases what it gets to one test class at
 * a time and closes the provider at the end of the session. Implementations are thread-safe.
 */
public interface HostProvider extends AutoCloseable {

    /**
     * Returns up to {@code wanted} hosts that can serve {@code role}, none of them named in
     * {@code busy}. A provider that makes hosts (embedded, lab) starts new ones when it has too
     * few; one with a fixed fleet (inventory) returns what it has. Returning fewer than asked is
     * not an error: the engine decides against the role's minimum.
     *
     * @param deadline how long starting hosts may take
     * @throws io.junitmultihost.api.ConfigurationException when the request can never be met here
     */
    List<HostSpec> hosts(String role, int wanted, Set<String> busy, Duration deadline);

    /** Stops what the provider started and removes what it created; never throws. */
    @Override
    void close();
}
