package io.junitmultihost.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Out-of-band control of a host, for power actions and fault tests: what a person could do with
 * the machine's power button and cable. Embedded, lab and QEMU hosts have one; inventory hosts
 * have one when power commands are configured for them. The engine reaches it through
 * {@link io.junitmultihost.api.Host#power()}.
 */
public interface HostControl {

    /** Cuts power: every process on the host dies, connections drop, nothing answers. */
    void powerOff();

    /** Powers the host on again; it boots with a new boot id. */
    void powerOn();

    /**
     * Cuts power within {@code deadline}; by default {@link #powerOff()}, for controls whose
     * action is bounded by itself. The engine also bounds the wait.
     */
    default void powerOff(Duration deadline) {
        powerOff();
    }

    /**
     * Powers the host on within {@code deadline} (it may still be booting when this returns: the
     * engine waits for SSH); by default {@link #powerOn()}.
     */
    default void powerOn(Duration deadline) {
        powerOn();
    }

    /**
     * Why network faults ({@code io.junitmultihost.api.Faults}: partitions, loss, bandwidth limits)
     * cannot be imposed on this host by rules on the host itself, for example because its commands
     * run in this machine's own network; empty (the default) where they can.
     */
    default Optional<String> networkFaultRefusal() {
        return Optional.empty();
    }

    /**
     * The last {@code lines} lines of the host's console (its boot and init output), where its
     * provider keeps one on this machine: read without reaching the host, so that a host that did not
     * come back from a reboot still tells what it last printed. Empty where there is none.
     */
    default List<String> consoleTail(int lines) {
        return List.of();
    }

    /**
     * The host's links as its provider cuts them from outside the host (a virtual machine's NICs),
     * for the engine's faults; empty (the default) where the provider has no such control.
     */
    default Optional<LinkControl> linkControl() {
        return Optional.empty();
    }

    /** Cuts the host's network link; connections time out rather than being refused. */
    default void cutLink() {
        throw new UnsupportedOperationException("This host cannot cut its link.");
    }

    /** Restores a link cut with {@link #cutLink()}. */
    default void restoreLink() {
        throw new UnsupportedOperationException("This host cannot cut its link.");
    }
}
