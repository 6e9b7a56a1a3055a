package io.junitmultihost.api;

import java.time.Duration;

/** A reboot of one host, asked for by {@link Host#reboot()}. */
public interface Reboot {

    /** The host being rebooted. */
    Host host();

    /** The boot id the host had before the reboot was asked for. */
    String oldBootId();

    /**
     * Waits until the host is up again: a new, well-formed boot id read over a fresh connection.
     * Reaching the old boot again never counts as up.
     *
     * @return the new boot id
     * @throws RebootException when the host is not back within {@code deadline}, naming the phase
     *     it was in and the last thing seen
     */
    String awaitUp(Duration deadline);
}
