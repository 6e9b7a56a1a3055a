package io.junitmultihost.spi;

/**
 * Out-of-band control of a simulated host (embedded or lab), for fault tests: what a person
 * could do with the machine's power button and cable. Real inventory hosts have none.
 */
public interface HostControl {

    /** Cuts power: every process on the host dies, connections drop, nothing answers. */
    void powerOff();

    /** Powers the host on again; it boots with a new boot id. */
    void powerOn();

    /** Cuts the host's network link; connections time out rather than being refused. */
    default void cutLink() {
        throw new UnsupportedOperationException("This host cannot cut its link.");
    }

    /** Restores a link cut with {@link #cutLink()}. */
    default void restoreLink() {
        throw new UnsupportedOperationException("This host cannot cut its link.");
    }
}
