package io.junitmultihost.api;

import java.time.Duration;
import java.util.List;

/**
 * A reboot of one host, asked for by {@link Host#reboot(RebootOptions)}: a handle on the host's
 * reboot state machine, which runs in the background. Thread-safe.
 */
public interface Reboot {

    /** The host being rebooted. */
    Host host();

    /**
     * The boot id the host had before the reboot was asked for, read before {@link Host#reboot}
     * returned; null when it could not be read (the reboot has then failed).
     */
    String oldBootId();

    /**
     * Waits until the reboot is complete ({@link HostState#READY}): a new, well-formed boot id read
     * over a fresh connection, and the test command, stability period, kernel release and magic
     * checks the options ask for. Reaching the old boot again never counts as up.
     *
     * @return the new boot id
     * @throws RebootException when the host is not back within {@code deadline}, or its reboot
     *     failed, naming the phase it was in and the last thing seen
     */
    String awaitUp(Duration deadline);

    /** The options the reboot runs with. */
    RebootOptions options();

    /** The state the host's reboot is in now. */
    HostState state();

    /**
     * Waits until the reboot ends ({@link HostState#READY}, {@link HostState#FAILED} or
     * {@link HostState#CANCELLED}) or {@code deadline} passes, and returns the outcome then; never
     * throws for a failed reboot.
     */
    RebootOutcome awaitOutcome(Duration deadline);

    /** Every state change of this reboot so far, in order. */
    List<HostEvent> history();

    /** Stops the reboot's state machine (state {@link HostState#CANCELLED}); nothing is undone on the host. */
    void cancel();
}
