package io.junitmultihost.engine.internal.events;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.StateWait;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmEvent;
import io.junitmultihost.api.VmWatch;
import io.junitmultihost.api.StateWatch;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link StateWait} of one test's hosts, on the session's {@link HostEvents}: every watch is a
 * subscription made when {@link #watch} is called, so events are never missed between acting and
 * waiting, and nothing is polled. Internal.
 */
public final class EventStateWait implements StateWait {

    private final HostEvents events;
    private final Set<String> known;
    private final VmEvents vmEvents;

    /**
     * @param events the session's stream
     * @param known the names of the hosts a watch may name
     * @param vmEvents the test class's remote JVMs' events
     */
    public EventStateWait(HostEvents events, Collection<String> known, VmEvents vmEvents) {
        this.events = events;
        this.known = Set.copyOf(known);
        this.vmEvents = vmEvents;
    }

    @Override
    public VmWatch watchVms(Collection<? extends Vm> vms, VmEvent.Kind... sequence) {
        if (sequence == null || sequence.length == 0) {
            throw new ConfigurationException("A watch of remote JVMs needs at least one event kind to wait for, such"
                    + " as VmEvent.Kind.STARTED, or a sequence such as STOPPED, STARTED.");
        }
        if (vms.isEmpty()) {
            throw new ConfigurationException("A watch of remote JVMs needs at least one JVM.");
        }
        Set<String> ids = new LinkedHashSet<>();
        vms.forEach(vm -> ids.add(vm.id()));
        return new EventVmWatch(vmEvents, ids, List.copyOf(Arrays.asList(sequence)));
    }

    @Override
    public StateWatch watch(Collection<? extends Host> hosts, HostState... sequence) {
        if (sequence == null || sequence.length == 0) {
            throw new ConfigurationException("A state watch needs at least one state to wait for, such as"
                    + " HostState.READY, or a sequence such as DOWN, READY.");
        }
        if (hosts.isEmpty()) {
            throw new ConfigurationException("A state watch needs at least one host.");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Host host : hosts) {
            if (!known.contains(host.name())) {
                throw new ConfigurationException("Host [" + host.name() + "] is not one of this test's hosts "
                        + known.stream().sorted().toList() + "; watch only hosts the test holds.");
            }
            names.add(host.name());
        }
        return new EventStateWatch(events, names, List.copyOf(Arrays.asList(sequence)));
    }

    @Override
    public String toString() {
        return "StateWait" + known.stream().sorted().toList();
    }
}
