package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.RebootOutcome;
import io.junitmultihost.engine.internal.events.HostEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The state of one host's reboot, shared by its state machine (which moves it) and its handle and
 * quorum (which wait on it). Every change is published on the session's {@link HostEvents}, after
 * the lock is released, so listeners may call back in.
 */
final class RebootProgress {

    private final String host;
    private final HostEvents events;
    private final long startNanos = System.nanoTime();
    private final List<HostEvent> history = new ArrayList<>();
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
    private volatile Runnable onFinal = () -> { };
    private HostState state;
    private String oldBootId;
    private boolean oldBootIdKnown;
    private String bootId;
    private int attempts;
    private int maxAttempts = 1;
    private String rejected = "";
    private int bootsSeen;
    private String lastSeen = "";

    RebootProgress(String host, HostEvents events) {
        this.host = host;
        this.events = events;
    }

    String host() {
        return host;
    }

    /** Enters {@code to}, publishing the change; {@code bootId} is the boot id known now (may be null). */
    void enter(HostState to, String knownBootId, String detail) {
        HostEvent event;
        synchronized (this) {
            if (state != null && state.isFinal()) {
                return; // a reboot that ended stays ended (a late cancel after READY, say)
            }
            event = new HostEvent(host, state, to, knownBootId, elapsed(), Instant.now(), detail);
            state = to;
            if (to.isFinal()) {
                lastSeen = detail;
                onFinal.run(); // before anyone waiting wakes
            }
            history.add(event);
            notifyAll();
        }
        events.publish(event);
        watchers.forEach(Runnable::run);
    }

    /** Notes what was last seen of the host, for timeouts and outcomes. */
    synchronized void seen(String what) {
        lastSeen = what;
    }

    synchronized String lastSeen() {
        return lastSeen;
    }

    /** Records the boot id read before the reboot (null when it could not be read) and wakes who waits for it. */
    synchronized void oldBootId(String id) {
        oldBootId = id;
        oldBootIdKnown = true;
        notifyAll();
    }

    /** Makes the old boot id known as null when it never was read, so that no one waits for it in vain. */
    synchronized void oldBootIdIfUnknown() {
        if (!oldBootIdKnown) {
            oldBootId(null);
        }
    }

    synchronized String oldBootId() {
        return oldBootId;
    }

    synchronized void newBoot(String id) {
        bootId = id;
        bootsSeen++;
    }

    synchronized void attempt(int number, int max) {
        attempts = number;
        maxAttempts = max;
    }

    /** Records why attempt {@code number} was not accepted (a wrong kernel or magic), for later messages. */
    synchronized void rejected(int number, String why) {
        rejected = "attempt [" + number + "] was rejected: " + why;
    }

    /**
     * Which attempt this is and why the one before was rejected ({@code attempt [2] of [3]; attempt
     * [1] was rejected: ...}), or empty on the first attempt.
     */
    synchronized String attemptContext() {
        if (attempts <= 1) {
            return "";
        }
        return "attempt [" + attempts + "] of [" + maxAttempts + "]" + (rejected.isEmpty() ? "" : "; " + rejected);
    }

    synchronized int attempts() {
        return attempts;
    }

    synchronized HostState state() {
        return state;
    }

    synchronized List<HostEvent> history() {
        return List.copyOf(history);
    }

    /** Runs {@code action} as the reboot ends, before whoever waits for the end wakes; it must be quick. */
    void onFinal(Runnable action) {
        onFinal = action;
    }

    /** Runs {@code watcher} after every state change (on the machine's thread). */
    void onChange(Runnable watcher) {
        watchers.add(watcher);
    }

    /** Waits until the old boot id is known or {@code deadline} passes. */
    synchronized void awaitOldBootId(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!oldBootIdKnown && (state == null || !state.isFinal())) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits until the reboot ends or {@code deadline} passes; returns the state then. */
    synchronized HostState awaitFinal(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (state == null || !state.isFinal()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return state;
    }

    /** Sleeps up to {@code nanos}, woken early by any state change (a cancel, say). */
    synchronized void pause(long nanos) throws InterruptedException {
        if (nanos > 0) {
            wait(Math.max(1, nanos / 1_000_000));
        }
    }

    synchronized void wake() {
        notifyAll();
    }

    synchronized RebootOutcome outcome() {
        return new RebootOutcome(host, state == null ? HostState.PREPARING : state, oldBootId,
                bootsSeen > 0 ? bootId : null,
                attempts, bootsSeen, elapsed(), lastSeen);
    }

    synchronized String bootId() {
        return bootId;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
