package io.junitmultihost.engine.internal.events;

import io.junitmultihost.api.VmEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The remote JVMs' events of one test class: published by its Vms, read by its StateWait. Internal. */
public final class VmEvents {

    private final List<Consumer<VmEvent>> listeners = new CopyOnWriteArrayList<>();

    /** Hands {@code event} to every subscriber, on the calling thread. */
    public void publish(VmEvent event) {
        for (Consumer<VmEvent> listener : listeners) {
            listener.accept(event);
        }
    }

    /** Subscribes {@code listener}; run the returned action to unsubscribe. */
    public Runnable subscribe(Consumer<VmEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
