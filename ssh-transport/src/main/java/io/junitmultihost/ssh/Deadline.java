package io.junitmultihost.ssh;

import java.time.Duration;
import java.util.Objects;

/** A point in time computed once from a caller's {@link Duration}; remaining time shrinks as calls go on. */
final class Deadline {

    private final Duration budget;
    private final long startNanos;
    private final long endNanos;

    private Deadline(Duration budget) {
        this.budget = budget;
        this.startNanos = System.nanoTime();
        this.endNanos = startNanos + Math.min(budget.toNanos(), Long.MAX_VALUE / 4);
    }

    static Deadline after(Duration budget) {
        Objects.requireNonNull(budget, "deadline");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("A deadline must be positive; got [" + HumanDuration.of(budget) + "].");
        }
        return new Deadline(budget);
    }

    /** The duration the caller gave, for messages. */
    Duration budget() {
        return budget;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    long remainingNanos() {
        return endNanos - System.nanoTime();
    }

    boolean expired() {
        return remainingNanos() <= 0;
    }

    /** Remaining milliseconds, at least 1 (JSch treats 0 as "no timeout"), at most {@code capMillis}. */
    int remainingMillisCapped(long capMillis) {
        long millis = Math.max(1, remainingNanos() / 1_000_000);
        return (int) Math.min(Math.min(millis, capMillis), Integer.MAX_VALUE);
    }

    /** The earlier of this deadline and {@code other} from now. */
    Deadline min(Duration other) {
        Duration remaining = Duration.ofNanos(Math.max(1, remainingNanos()));
        return remaining.compareTo(other) <= 0 ? this : new Deadline(other);
    }
}
