package io.junitmultihost.engine.internal.owner;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * One thing an {@link Owner} holds: its name for logs, its stage, how to stop it and at most how
 * long stopping may take. Call {@link #done()} when it ended on its own. Internal.
 */
public final class Owned {

    private final String name;
    private final Stage stage;
    private final Supplier<Duration> bound;
    private final AutoCloseable stop;
    private volatile Owner owner;

    Owned(Owner owner, Stage stage, String name, Supplier<Duration> bound, AutoCloseable stop) {
        this.owner = owner;
        this.stage = stage;
        this.name = name;
        this.bound = bound;
        this.stop = stop;
    }

    /** What it is, for logs: {@code command [sleep 5] on host [lab-1]}. */
    public String name() {
        return name;
    }

    /** When it is stopped. */
    public Stage stage() {
        return stage;
    }

    /** At most how long stopping it may take. */
    Duration bound() {
        return bound.get();
    }

    /** Stops it. */
    void stop() throws Exception {
        stop.close();
    }

    /** It ended on its own: its owner lets go of it. Calling it again does nothing. */
    public void done() {
        owner.release(this);
    }

    /**
     * Hands it to {@code run} (the run's owner): it then outlives the class that started it and
     * ends with the run. Only on purpose, for what is meant to be shared by classes.
     */
    public void handTo(Owner run) {
        Owner from = owner;
        if (from == run) {
            return;
        }
        run.adopt(this);
        owner = run;
        from.release(this);
    }

    @Override
    public String toString() {
        return name;
    }
}
