package io.junitmultihost.api;

import java.util.Collection;
import java.util.List;

/**
 * Waits for hosts' state changes as events, as Emulab's stated does: subscribe first, then act,
 * then wait. Injected into test methods (or from {@link Cluster#states()}); never null.
 *
 * <pre>{@code
 * StateWatch watch = states.watch(cluster.hosts(), HostState.DOWN, HostState.READY); // before acting
 * cluster.hosts().forEach(Host::reboot);
 * StateWaitResult result = watch.await(Duration.ofMinutes(5), Duration.ofSeconds(10),
 *         soFar -> log.info("{} of {} back", soFar.reached().size(), soFar.hosts().size()));
 * result.assertAllReached();
 * }</pre>
 *
 * <p>Host events come from the hosts' reboot state machines, and from nothing else: a process on a
 * host cannot publish a state here. Remote JVMs' starts and stops ({@link #watchVms}) come from
 * {@link Vms}. Only events published after {@link #watch} are seen:
 * subscribe before the action that causes them.
 */
public interface StateWait {

    /**
     * Subscribes now to the states of {@code hosts}: each must go through {@code sequence} in order
     * (other states in between are allowed). A single state waits for that state. A host entering
     * {@link HostState#FAILED} or {@link HostState#CANCELLED} before its sequence is done counts as
     * failed, unless that state is the one awaited.
     *
     * @throws ConfigurationException when {@code sequence} is empty or a host is not one of the test's
     */
    StateWatch watch(Collection<? extends Host> hosts, HostState... sequence);

    /**
     * Subscribes now to the events of remote JVMs ({@link Vms}): each must go through
     * {@code sequence} in order (other events in between are allowed), for example
     * {@code STOPPED, STARTED} for a restart.
     *
     * @throws ConfigurationException when {@code sequence} or {@code vms} is empty
     */
    VmWatch watchVms(Collection<? extends Vm> vms, VmEvent.Kind... sequence);

    /** {@link #watch(Collection, HostState...)} for one host. */
    default StateWatch watch(Host host, HostState... sequence) {
        return watch(List.of(host), sequence);
    }
}
