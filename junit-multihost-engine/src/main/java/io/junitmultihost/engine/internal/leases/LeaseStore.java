package io.junitmultihost.engine.internal.leases;

import io.junitmultihost.spi.HostSpec;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where hosts are leased across processes, one holder per host at a time, released when the
 * holder gives the host back or dies. The host pool takes a host here once it has it in its own
 * JVM, and gives it back before others in its JVM may take it. Thread-safe. Internal.
 */
public interface LeaseStore extends AutoCloseable {

    /** No leases across processes: for providers whose hosts are this run's alone. */
    LeaseStore NONE = new LeaseStore() {
        @Override
        public Optional<String> take(HostSpec host, String owner) {
            return Optional.empty();
        }

        @Override
        public Optional<String> give(HostSpec host) {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "none";
        }

        @Override
        public void close() {
        }
    };

    /**
     * Takes {@code host} for test class {@code owner}, without waiting for it.
     *
     * @return empty when taken; else who holds it, for messages ({@code pid 4711 on [ci-7], class [a.B], since ...})
     * @throws io.junitmultihost.api.HostUnavailableException when the store cannot tell (ZooKeeper
     *     unreachable): the host must not be used
     */
    Optional<String> take(HostSpec host, String owner);

    /**
     * Gives {@code host} back; never blocks and never throws.
     *
     * @return why the host was not held all along since {@link #take}, when it was not (a lost
     *     ZooKeeper session): another run may have used it meanwhile
     */
    Optional<String> give(HostSpec host);

    /**
     * Calls {@code listener} with the reason, on a thread of the store, when the leases held at that
     * moment may be lost (the ZooKeeper session expired or its connection stayed away too long).
     */
    default void onLoss(Consumer<String> listener) {
    }

    /** How hosts are leased, for logs: {@code lock files in [/tmp/...]}. */
    String describe();

    /** Gives back every host still held and closes the store; never throws. */
    @Override
    void close();
}
