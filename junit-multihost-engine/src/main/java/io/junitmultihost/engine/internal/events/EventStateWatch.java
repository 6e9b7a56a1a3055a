package io.junitmultihost.engine.internal.events;

import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.StateWaitResult;
import io.junitmultihost.api.StateWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One subscription of a {@link EventStateWait}: moves each host along the awaited sequence as its
 * events arrive and wakes waiters; a host entering FAILED or CANCELLED (unless awaited) fails.
 */
final class EventStateWatch implements StateWatch {

    private final Set<String> hosts;
    private final List<HostState> sequence;
    private final HostEvents.Subscription subscription;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Integer> position = new HashMap<>();
    private final Set<String> reached = new LinkedHashSet<>();
    private final Map<String, String> failed = new LinkedHashMap<>();
    private final Map<String, HostState> lastState = new LinkedHashMap<>();
    private final List<HostEvent> seen = new ArrayList<>();
    private boolean cancelled;

    EventStateWatch(HostEvents events, Set<String> hosts, List<HostState> sequence) {
        this.hosts = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(hosts));
        this.sequence = sequence;
        hosts.forEach(h -> position.put(h, 0));
        this.subscription = events.subscribe(this::onEvent);
    }

    private void onEvent(HostEvent event) {
        if (!hosts.contains(event.host())) {
            return;
        }
        lock.lock();
        try {
            if (cancelled) {
                return;
            }
            seen.add(event);
            lastState.put(event.host(), event.to());
            if (reached.contains(event.host()) || failed.containsKey(event.host())) {
                return;
            }
            int at = position.get(event.host());
            if (sequence.get(at) == event.to()) {
                position.put(event.host(), at + 1);
                if (at + 1 == sequence.size()) {
                    reached.add(event.host());
                }
            } else if (event.to() == HostState.FAILED || event.to() == HostState.CANCELLED) {
                failed.put(event.host(), event.detail().isEmpty() ? event.to().name() : event.detail());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<String> hosts() {
        return hosts;
    }

    @Override
    public List<HostState> sequence() {
        return sequence;
    }

    @Override
    public StateWaitResult await(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        long start = System.nanoTime();
        long end = start + Math.max(0, wait.toNanos());
        lock.lock();
        try {
            while (!cancelled && reached.size() + failed.size() < hosts.size()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            return snapshot(Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultiHostException("Waiting for hosts " + hosts + " to go through " + sequence + " was interrupted.", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StateWaitResult await(Duration deadline, Duration every, Consumer<StateWaitResult> progress) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("The progress interval must be positive, was [" + io.junitmultihost.spi.HumanDuration.of(every) + "].");
        }
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            StateWaitResult soFar = await(Duration.ofNanos(Math.max(0, Math.min(left, every.toNanos()))));
            boolean over = soFar.complete() || soFar.cancelled() || end - System.nanoTime() <= 0;
            if (over) {
                return withWaited(soFar, Duration.ofNanos(System.nanoTime() - start));
            }
            progress.accept(withWaited(soFar, Duration.ofNanos(System.nanoTime() - start)));
        }
    }

    @Override
    public StateWaitResult results() {
        lock.lock();
        try {
            return snapshot(Duration.ZERO);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<HostEvent> events() {
        lock.lock();
        try {
            return List.copyOf(seen);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void cancel() {
        subscription.close();
        lock.lock();
        try {
            cancelled = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private StateWaitResult snapshot(Duration waited) {
        Map<String, HostState> last = new LinkedHashMap<>();
        for (String host : hosts) {
            if (lastState.containsKey(host)) {
                last.put(host, lastState.get(host));
            }
        }
        return new StateWaitResult(hosts, sequence, reached, failed, last, cancelled, waited);
    }

    private static StateWaitResult withWaited(StateWaitResult r, Duration waited) {
        return new StateWaitResult(r.hosts(), r.sequence(), r.reached(), r.failed(), r.lastState(), r.cancelled(), waited);
    }

    @Override
    public String toString() {
        return "StateWatch[" + hosts + " through " + sequence + "]";
    }
}
