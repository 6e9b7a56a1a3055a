package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Fault;
import io.junitmultihost.engine.internal.owner.Owned;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Future;

/** One fault in force or lifted, handed to the test; {@link ClassFaults} does the work. */
final class ImposedFault implements Fault {

    private final ClassFaults faults;
    private final String id;
    private final String description;
    private final List<FaultPart> parts;
    private final List<String> hosts;
    private final Instant since;
    private final Instant endsAt;
    private final boolean cutsController;
    private volatile boolean active = true;
    private volatile Owned owned;
    private volatile Future<?> end;

    ImposedFault(ClassFaults faults, String id, String description, List<FaultPart> parts, List<String> hosts,
            Instant since, Instant endsAt, boolean cutsController) {
        this.faults = faults;
        this.id = id;
        this.description = description;
        this.parts = List.copyOf(parts);
        this.hosts = List.copyOf(hosts);
        this.since = since;
        this.endsAt = endsAt;
        this.cutsController = cutsController;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<String> hosts() {
        return hosts;
    }

    @Override
    public Instant since() {
        return since;
    }

    @Override
    public Instant endsAt() {
        return endsAt;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public void close() {
        faults.lift(this, "the test");
    }

    List<FaultPart> parts() {
        return parts;
    }

    /** Whether it cuts the test JVM's own link, so that only the host's own timer can lift it early. */
    boolean cutsController() {
        return cutsController;
    }

    /** Marks it lifted; true for the one caller that does so. */
    synchronized boolean markLifted() {
        if (!active) {
            return false;
        }
        active = false;
        return true;
    }

    synchronized void markActiveAgain() {
        active = true;
    }

    void held(Owned owned, Future<?> end) {
        this.owned = owned;
        this.end = end;
    }

    Owned owned() {
        return owned;
    }

    Future<?> end() {
        return end;
    }

    @Override
    public String toString() {
        return id + " (" + description + ")";
    }
}
