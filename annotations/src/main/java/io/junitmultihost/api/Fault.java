package io.junitmultihost.api;

import java.time.Instant;
import java.util.List;

/**
 * One fault imposed through {@link Faults}: a partition, a cut, packet loss, a bandwidth limit,
 * reset connections, a paused process or JVM, a power cut. Closing it lifts it; it also lifts
 * itself at {@link #endsAt()}, on the host itself (a timer the host runs), so a test JVM that dies
 * never leaves a host faulted. Thread-safe; lifting twice does nothing the second time.
 *
 * <pre>{@code
 * try (Fault cut = faults.partition(List.of(a), List.of(b, c), Duration.ofSeconds(30))) {
 *     // a cannot reach b or c, nor they a; the test JVM still reaches all three
 * } // lifted: every host's rules are exactly what they were before
 * }</pre>
 */
public interface Fault extends AutoCloseable {

    /** Its id, unique within the run, such as {@code fault-3}. */
    String id();

    /** What it does, as failure messages name it: {@code "host-2 was partitioned from host-1"}. */
    String description();

    /** The names of the hosts it acts on. */
    List<String> hosts();

    /** When it was imposed. */
    Instant since();

    /** When it lifts itself if nobody lifts it before. */
    Instant endsAt();

    /** Whether it is still in force: false once lifted, by {@link #close()} or by its own end. */
    boolean isActive();

    /**
     * Lifts it within the configured exec deadline and returns once every host it acts on is back
     * to what it had before. Does nothing when it is already lifted.
     *
     * @throws MultiHostException a host could not be reached to lift it; the host lifts it itself
     *     at {@link #endsAt()}, and the message says so
     */
    @Override
    void close();
}
