package io.junitmultihost.spi;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A source of hosts for one launcher session. The engine leases what it gets to one test class at
 * a time and closes the provider at the end of the session. Implementations are thread-safe: the
 * engine may call {@link #hosts} for several classes at once (a provider that starts or prepares
 * hosts serializes its own calls).
 *
 * <p>A configuration the provider can never accept (a bad value, a missing file, a machine that
 * cannot run these hosts) is best refused when the provider is created
 * ({@link HostProviderFactory#create}): the engine then fails the run once with that message.
 */
public interface HostProvider extends AutoCloseable {

    /**
     * Returns up to {@code wanted} hosts that can serve {@code role}, none of them named in
     * {@code busy}. A provider that makes hosts (embedded, lab) starts new ones when it has too
     * few; one with a fixed fleet (inventory) returns what it has. Returning fewer than asked is
     * not an error: the engine decides against the role's minimum.
     *
     * @param busy the hosts other test classes hold: a live, read-only view that can grow while
     *     the call runs, so look a host up in it right before preparing it (powering it on,
     *     clearing its faults), never touch one named in it
     * @param deadline how long starting hosts may take
     * @throws io.junitmultihost.api.ConfigurationException when the request can never be met here
     *     (the test class fails with the message)
     */
    List<HostSpec> hosts(String role, int wanted, Set<String> busy, Duration deadline);

    /**
     * The most hosts this provider can ever give at once, all roles together: the hosts it may
     * start (embedded, lab) or lists (inventory), leased or not. Cheap, and starts nothing: the
     * engine asks before it asks for hosts, and skips a class whose roles need more (the sum of
     * their minimums) without starting any; a role with a quorum that has all the hosts this (and
     * {@link #maxHosts(String)}) allows starts at once rather than waiting out the countdown for
     * more. {@link Integer#MAX_VALUE} (the default) when the provider cannot tell: the engine then
     * waits as long as other classes hold hosts.
     */
    default int maxHosts() {
        return Integer.MAX_VALUE;
    }

    /**
     * The most hosts that could ever serve {@code role}; {@link #maxHosts()} by default, for
     * providers whose hosts serve every role. Cheap, and starts nothing.
     *
     * @throws io.junitmultihost.api.ConfigurationException when no host can ever serve {@code role}
     *     here (the test class fails with the message)
     */
    default int maxHosts(String role) {
        return maxHosts();
    }

    /**
     * Whether other test runs may use these hosts at the same time: a fixed fleet (an inventory)
     * that other JVMs (Surefire forks, other builds, other machines) read too. The engine then also
     * leases each host across processes (a lock per host on this machine, or through ZooKeeper
     * with {@code multihost.leases.zookeeper}), and a host another run holds counts as busy. False
     * (the default) for providers that make hosts for this run alone (embedded, lab).
     */
    default boolean sharedWithOtherRuns() {
        return false;
    }

    /** Stops what the provider started and removes what it created; never throws. */
    @Override
    void close();
}
