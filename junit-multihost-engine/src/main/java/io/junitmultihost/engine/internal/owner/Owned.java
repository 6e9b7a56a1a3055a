package io.junitmultihost.engine.internal.owner;

import java.time.Duration;
import java.util.function.BooleanSupplier;
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
    private final BooleanSupplier stillRunning;
    private final boolean leftToTheEnd;
    private volatile Owner owner;

    Owned(Owner owner, Stage stage, String name, Supplier<Duration> bound, AutoCloseable stop,
            BooleanSupplier stillRunning, boolean leftToTheEnd) {
        this.owner = owner;
        this.stage = stage;
        this.name = name;
        this.bound = bound;
        this.stop = stop;
        this.stillRunning = stillRunning;
        this.leftToTheEnd = leftToTheEnd;
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

    /**
     * Whether it may still run: what is held and has no probe is taken as running; a probe that
     * fails (its host cannot be asked) says it may.
     */
    boolean stillRunning() {
        if (stillRunning == null) {
            return true;
        }
        try {
            return stillRunning.getAsBoolean();
        } catch (RuntimeException cannotTell) {
            return true;
        }
    }

    /** Whether it was registered with a probe that tells whether it still runs. */
    boolean hasProbe() {
        return stillRunning != null;
    }

    /**
     * Whether its owner's end is the documented way to end it (a process from {@code Host.start}):
     * then ending it is no cancel, and nobody waits on it.
     */
    boolean leftToTheEnd() {
        return leftToTheEnd;
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
