package io.junitmultihost.engine.internal.events;

import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.VmEvent;
import io.junitmultihost.api.VmWatch;
import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link VmWatch}: the events of some JVMs since it was made, and a wait for a sequence in each. Internal. */
final class EventVmWatch implements VmWatch {

    private final List<VmEvent.Kind> sequence;
    private final Map<String, List<VmEvent>> seen = new LinkedHashMap<>();
    private final Runnable unsubscribe;

    EventVmWatch(VmEvents events, Set<String> vms, List<VmEvent.Kind> sequence) {
        this.sequence = List.copyOf(sequence);
        vms.forEach(vm -> seen.put(vm, new ArrayList<>()));
        this.unsubscribe = events.subscribe(this::see);
    }

    private synchronized void see(VmEvent event) {
        List<VmEvent> of = seen.get(event.vm());
        if (of != null) {
            of.add(event);
            notifyAll();
        }
    }

    @Override
    public synchronized Map<String, List<VmEvent>> await(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!allThrough()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                StringBuilder missing = new StringBuilder();
                seen.forEach((vm, events) -> {
                    if (!through(events)) {
                        missing.append(missing.length() == 0 ? "" : "; ").append(vm).append(" saw ")
                                .append(events.stream().map(VmEvent::kind).toList());
                    }
                });
                throw new MultiHostException("Remote JVMs did not go through " + sequence + " within ["
                        + HumanDuration.of(timeout) + "]: " + missing + ".");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MultiHostException("Interrupted while waiting for remote JVMs to go through " + sequence + ".", e);
            }
        }
        Map<String, List<VmEvent>> copy = new LinkedHashMap<>();
        seen.forEach((vm, events) -> copy.put(vm, List.copyOf(events)));
        return copy;
    }

    private boolean allThrough() {
        return seen.values().stream().allMatch(this::through);
    }

    private boolean through(List<VmEvent> events) {
        int next = 0;
        for (VmEvent event : events) {
            if (next < sequence.size() && event.kind() == sequence.get(next)) {
                next++;
            }
        }
        return next == sequence.size();
    }

    @Override
    public void close() {
        unsubscribe.run();
    }
}
