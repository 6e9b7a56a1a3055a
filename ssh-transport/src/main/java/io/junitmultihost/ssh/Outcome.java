package io.junitmultihost.ssh;

import java.util.Objects;
import java.util.Optional;

/**
 * What one host's call in a fan-out gave: a value, or the exception it failed with. Immutable.
 *
 * @param <T> the type of the value
 */
public final class Outcome<T> {

    private final T value;
    private final RuntimeException failure;

    private Outcome(T value, RuntimeException failure) {
        this.value = value;
        this.failure = failure;
    }

    /** A successful outcome; the value may be null. */
    public static <T> Outcome<T> success(T value) {
        return new Outcome<>(value, null);
    }

    /** A failed outcome. */
    public static <T> Outcome<T> failure(RuntimeException failure) {
        return new Outcome<>(null, Objects.requireNonNull(failure, "failure"));
    }

    /** Whether the call returned normally. */
    public boolean succeeded() {
        return failure == null;
    }

    /** The value; throws the failure when the call failed. */
    public T value() {
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    /** The failure, or empty when the call succeeded. */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return failure == null ? "Outcome[success: " + value + "]" : "Outcome[failure: " + failure.getMessage() + "]";
    }
}
