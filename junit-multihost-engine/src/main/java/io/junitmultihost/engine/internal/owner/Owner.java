package io.junitmultihost.engine.internal.owner;

import io.junitmultihost.api.MultiHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one test class (or the run) started and that may still run or be open: registered as
 * it starts, released as it ends on its own, and stopped when the owner closes. Closing goes
 * stage by stage ({@link Stage}: actions, processes, sync, forwards), newest first within a stage,
 * all of a stage at once, each waited for at most its own bound; whatever the class was still
 * waiting on (a command, a call, a reboot) is logged by name at WARN, whatever it left running to
 * its end on purpose (a process from {@code Host.start}) is ended with an INFO line, whatever did
 * not stop within its bound is logged as left behind. Once
 * closed, an owner refuses to register anything new, so nothing of a class starts after it ended.
 * Thread-safe. Internal.
 */
public final class Owner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Owner.class);
    /** At most how long the JVM's exit waits for the run's owner: no class comes next, so nothing is waited for long. */
    private static final Duration SHUTDOWN = Duration.ofSeconds(20);

    private final String name;
    private final Set<Owned> held = new LinkedHashSet<>();
    private boolean closed;
    private final CompletableFuture<Ending> ending = new CompletableFuture<>();
    private volatile Owned inParent;
    private volatile Thread shutdownHook;

    private Owner(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * The run's owner: it ends with the host pool, or when the JVM shuts down first (a shutdown
     * hook, removed when it closes, which waits at most {@link #SHUTDOWN} in all).
     */
    public static Owner forRun(String name) {
        Owner run = new Owner(name);
        Thread hook = new Thread(() -> run.closing(SHUTDOWN), "multihost-shutdown");
        run.shutdownHook = hook;
        Runtime.getRuntime().addShutdownHook(hook);
        return run;
    }

    /** An owner of its own, for tests and tools; nothing closes it but {@link #close()}. */
    public static Owner standalone(String name) {
        return new Owner(name);
    }

    /**
     * The owner of one class, itself held by this one: when this owner closes first (the run ends,
     * the JVM shuts down), it closes the class's owner too.
     */
    public Owner child(String childName) {
        Owner child = new Owner(childName);
        child.inParent = register(Stage.ACTIONS, childName, child::closeBound, child::close, null, false);
        return child;
    }

    /** Who owns, for logs: {@code class [com.example.DbTest]}. */
    public String name() {
        return name;
    }

    /**
     * Registers {@code what}, stopped by {@code stop} within {@code bound} when this owner closes
     * before {@link Owned#done()} is called.
     *
     * @throws MultiHostException when this owner is closed: the caller must not start it
     */
    public Owned register(Stage stage, String what, Duration bound, AutoCloseable stop) {
        Objects.requireNonNull(bound, "bound");
        return register(stage, what, () -> bound, stop, null, false);
    }

    /**
     * As {@link #register(Stage, String, Duration, AutoCloseable)}, for what may end without anyone
     * seeing it (a detached process: it exits, or a reboot ends it, while nobody asks): when this
     * owner closes, {@code stillRunning} is asked first (off this thread, within {@code bound}), and
     * what had ended is stopped all the same (its leftovers cleaned up) but named closed, not
     * cancelled, so that no WARN claims it was still running.
     */
    public Owned register(Stage stage, String what, Duration bound, AutoCloseable stop, BooleanSupplier stillRunning) {
        Objects.requireNonNull(bound, "bound");
        Objects.requireNonNull(stillRunning, "stillRunning");
        return register(stage, what, () -> bound, stop, stillRunning, false);
    }

    /**
     * As {@link #register(Stage, String, Duration, AutoCloseable, BooleanSupplier)}, for what the
     * class may start and leave running until its end, which is the documented way to end it (a
     * process from {@code Host.start} or {@code Host.startDetached}): nobody waits on it, so ending
     * it is logged at INFO and named {@link Ending#ended() ended}, not cancelled with a WARN.
     */
    public Owned registerLeftToTheEnd(Stage stage, String what, Duration bound, AutoCloseable stop,
            BooleanSupplier stillRunning) {
        Objects.requireNonNull(bound, "bound");
        Objects.requireNonNull(stillRunning, "stillRunning");
        return register(stage, what, () -> bound, stop, stillRunning, true);
    }

    private Owned register(Stage stage, String what, Supplier<Duration> bound, AutoCloseable stop,
            BooleanSupplier stillRunning, boolean leftToTheEnd) {
        Owned owned = new Owned(this, stage, what, bound, stop, stillRunning, leftToTheEnd);
        synchronized (this) {
            if (closed) {
                throw new MultiHostException("Cannot start " + what + ": " + name + " has ended, and what it"
                        + " starts ends with it. Start it while its tests run.");
            }
            held.add(owned);
        }
        return owned;
    }

    synchronized void adopt(Owned owned) {
        if (closed) {
            throw new MultiHostException("Cannot hand " + owned.name() + " to " + name + ": it has ended.");
        }
        held.add(owned);
    }

    synchronized void release(Owned owned) {
        held.remove(owned);
    }

    /** Whether it was closed (or is closing). */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** What it holds now, oldest first, for tests and reports. */
    public synchronized List<String> holds() {
        return held.stream().map(Owned::name).toList();
    }

    /** At most how long closing may take now: each stage waits for its slowest. */
    Duration closeBound() {
        List<Owned> now;
        synchronized (this) {
            now = List.copyOf(held);
        }
        Duration total = Duration.ZERO;
        for (Stage stage : Stage.values()) {
            total = total.plus(now.stream().filter(o -> o.stage() == stage).map(Owned::bound)
                    .max(Duration::compareTo).orElse(Duration.ZERO));
        }
        return total.plusSeconds(1);
    }

    /** Stops what it still holds (see the class comment) and refuses anything new; never throws. */
    @Override
    public void close() {
        closing();
    }

    /** As {@link #close()}, telling what had to be cancelled and what was left behind; the same answer when called again. */
    public Ending closing() {
        return closing(null);
    }

    /** As {@link #closing()}, waiting at most {@code cap} in all when it is not null. */
    private Ending closing(Duration cap) {
        long capEnd = cap == null ? 0 : System.nanoTime() + cap.toNanos();
        boolean already;
        synchronized (this) {
            already = closed;
            closed = true;
        }
        if (already) {
            return ending.join(); // bounded: the first caller stops each thing within its bound
        }
        removeShutdownHook();
        Tally tally = new Tally();
        for (Stage stage : Stage.values()) {
            stop(take(stage, o -> true), stage.inFlight(), "ended", cap, capEnd, tally);
        }
        Ending result = tally.ending();
        ending.complete(result);
        Owned parentEntry = inParent;
        if (parentEntry != null) {
            parentEntry.done();
        }
        return result;
    }

    /**
     * Stops what runs now on the owner's behalf (stages whose work is in flight: reboots, prepare
     * steps, fan-out calls, commands and processes), but stays open, so that the class can still
     * clean up after itself; for a run that was cancelled. Returns what it cancelled (what it
     * ended that the class had left running to its end is logged at INFO, not returned). Never throws.
     */
    public List<String> cancelInFlight() {
        synchronized (this) {
            if (closed) {
                return List.of();
            }
        }
        // Only what was in flight when cancelled: what the class starts once its work is stopped (its
        // after-all clean-up) must not be caught by a later stage and cancelled too.
        Set<Owned> inFlight;
        synchronized (this) {
            inFlight = Set.copyOf(held.stream().filter(o -> o.stage().inFlight()).toList());
        }
        Tally tally = new Tally();
        for (Stage stage : Stage.values()) {
            if (stage.inFlight()) {
                stop(take(stage, inFlight::contains), true, "was cancelled", null, 0, tally);
            }
        }
        return tally.ending().cancelled();
    }

    /**
     * Takes what it still holds in {@code stage} and {@code which} accepts, newest first: what ended
     * while an earlier stage stopped is not stopped again.
     */
    private List<Owned> take(Stage stage, Predicate<Owned> which) {
        List<Owned> now;
        synchronized (this) {
            now = new ArrayList<>(held.stream().filter(o -> o.stage() == stage && which.test(o)).toList());
            held.removeAll(now);
        }
        Collections.reverse(now);
        return now;
    }

    /** Stops {@code now}, all at once, each waited for within its bound. */
    private void stop(List<Owned> now, boolean inFlight, String why, Duration cap, long capEnd, Tally tally) {
        if (now.isEmpty()) {
            return;
        }
        List<Thread> stopping = new ArrayList<>();
        for (Owned owned : now) {
            // what may have ended unseen is asked first, on its stopping thread (asking may take a round trip)
            Runnable tell = () -> {
                if (inFlight && owned.stillRunning()) {
                    if (owned.leftToTheEnd()) {
                        // the documented way to end it: the class waits on nothing here, so no WARN
                        LOG.info("{} {}; ending {}, which it started and left running.", capitalized(name), why,
                                owned.name());
                        tally.add(tally.ended, owned);
                    } else {
                        LOG.warn("{} {} with {} still running; cancelling it.", capitalized(name), why, owned.name());
                        tally.add(tally.cancelled, owned);
                    }
                } else {
                    LOG.debug("{} {}; closing {}{}.", capitalized(name), why, owned.name(),
                            inFlight ? ", which had ended" : "");
                    tally.add(tally.closed, owned);
                }
            };
            if (!owned.hasProbe()) {
                tell.run();
            }
            Thread thread = new Thread(() -> {
                if (owned.hasProbe()) {
                    tell.run();
                }
                stop(owned);
            }, "multihost-stop " + owned.name());
            thread.setDaemon(true);
            thread.start();
            stopping.add(thread);
        }
        long start = System.nanoTime();
        for (int i = 0; i < now.size(); i++) {
            Owned owned = now.get(i);
            long until = start + owned.bound().toNanos();
            if (cap != null && until - capEnd > 0) {
                until = capEnd;
            }
            try {
                long remaining = until - System.nanoTime();
                if (remaining > 0) {
                    stopping.get(i).join(Math.max(1, remaining / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (stopping.get(i).isAlive()) {
                LOG.warn("{}: {} did not stop within [{}]; it is left behind.", capitalized(name), owned.name(),
                        owned.bound());
                tally.add(tally.leftBehind, owned);
            }
        }
    }

    private void stop(Owned owned) {
        try {
            owned.stop();
        } catch (Exception e) {
            LOG.warn("{}: stopping {} failed: {}", capitalized(name), owned.name(), e.toString());
        }
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran; closing twice does nothing
        }
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    @Override
    public String toString() {
        return "Owner[" + name + "]";
    }

    /** What closing found, by name, filled in from the stopping threads. */
    private static final class Tally {
        final List<String> cancelled = new ArrayList<>();
        final List<String> ended = new ArrayList<>();
        final List<String> closed = new ArrayList<>();
        final List<String> leftBehind = new ArrayList<>();

        synchronized void add(List<String> list, Owned owned) {
            list.add(owned.name());
        }

        synchronized Ending ending() {
            return new Ending(List.copyOf(cancelled), List.copyOf(ended), List.copyOf(closed), List.copyOf(leftBehind));
        }
    }

    /**
     * How an owner ended.
     *
     * @param cancelled what the class was still waiting on and had to be cancelled (logged at WARN), by name
     * @param ended what the class had left running to its end on purpose and that was ended (logged at INFO)
     * @param closed what was held for the owner's life and closed, or had ended by itself
     * @param leftBehind what did not stop within its bound
     */
    public record Ending(List<String> cancelled, List<String> ended, List<String> closed, List<String> leftBehind) {
    }
}
