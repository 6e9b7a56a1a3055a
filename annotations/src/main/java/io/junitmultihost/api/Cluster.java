package io.junitmultihost.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** All hosts of a test, by role, with parallel fan-out. Injected into test methods; never null. */
public interface Cluster {

    /** Every host of the test, each once, in role declaration order. */
    List<Host> hosts();

    /** The hosts a role got, in order; a {@link ConfigurationException} for an undeclared role. */
    List<Host> role(String role);

    /** The host named {@code name}; a {@link ConfigurationException} when the test has none. */
    Host host(String name);

    /**
     * Runs {@code call} on every host in parallel and returns each host's result, keyed by host
     * name in {@link #hosts()} order. One host's failure does not cancel the others: the results of
     * all hosts are gathered, then a {@link MultiHostException} naming every failed host is thrown
     * with the others' failures as suppressed exceptions.
     */
    <T> Map<String, T> onAll(Function<Host, T> call, Duration deadline);

    /** {@link #onAll} restricted to the hosts of {@code role}. */
    <T> Map<String, T> onRole(String role, Function<Host, T> call, Duration deadline);
}
