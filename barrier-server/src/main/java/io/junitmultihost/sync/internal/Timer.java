package io.junitmultihost.sync.internal;

/** A one-shot action due at a {@link System#nanoTime()} instant, run on the loop thread unless cancelled. */
final class Timer implements Comparable<Timer> {

    private static long counter;

    final long at;
    final Runnable action;
    private final long order = counter++;
    private boolean cancelled;

    Timer(long at, Runnable action) {
        this.at = at;
        this.action = action;
    }

    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public int compareTo(Timer o) {
        int c = Long.compare(at - o.at, 0);
        return c != 0 ? c : Long.compare(order, o.order);
    }
}
