package io.junitmultihost.api;

import java.time.Duration;
import java.util.Collection;
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

    /**
     * Reboots {@code hosts} at once, each by its own state machine, with the defaults, and waits for
     * {@code quorum}. See {@link #reboot(Collection, Quorum, RebootOptions)}.
     */
    default RebootResults reboot(Collection<Host> hosts, Quorum quorum) {
        return reboot(hosts, quorum, RebootOptions.defaults());
    }

    /**
     * Reboots {@code hosts} at once, each by its own state machine (no host waits for another), and
     * waits until {@code quorum} is decided: at once when its target made it, at the end of its
     * countdown once its minimum made it. Hosts still on their way then are cancelled and reported
     * with the state they were in.
     *
     * @return every host's outcome and the hosts that made it
     * @throws QuorumException when fewer than the minimum made it, naming every missing host and its state
     */
    RebootResults reboot(Collection<Host> hosts, Quorum quorum, RebootOptions options);

    /** Waits for state changes of this test's hosts (Emulab's StateWait); also injectable as a parameter. */
    StateWait states();

    /**
     * Remote sync between the test JVM and processes on these hosts, through the run's barrier
     * server; the same handle as an injected {@link Sync}. Started on first use.
     */
    Sync sync();

    /**
     * Remote JVMs on these hosts, launched with the test's classpath and stopped and started the
     * Hydra way; the same handle as an injected {@link Vms}. Every JVM launched ends with the class.
     */
    Vms vms();

    /**
     * Faults imposed on these hosts and between them, each lifting itself after its duration and
     * lifted when the class ends at the latest; the same handle as an injected {@link Faults}.
     */
    Faults faults();
}
