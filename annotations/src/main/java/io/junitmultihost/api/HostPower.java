package io.junitmultihost.api;

import java.time.Duration;

/**
 * A host's power button, through its provider: a QEMU virtual machine is killed and started, a
 * lab host's processes are ended and booted again, an embedded host's sshd is stopped and
 * started, and an inventory host runs the {@code power_off_command} and {@code power_on_command}
 * set for it (IPMI, {@code virsh}, a cloud CLI; see docs/INVENTORY.md). Get it with
 * {@link Host#power()}.
 *
 * <p>Each action has a deadline and publishes a state change that {@link StateWait} sees:
 * {@link HostState#POWERED_OFF} when the power is cut, {@link HostState#READY} when the host
 * answers again with a new boot id. While a host is off on purpose its absence is expected (syncs
 * do not take it for dead).
 */
public interface HostPower {

    /**
     * Cuts the power: every process on the host dies and nothing answers. Returns once the provider
     * says the host is off.
     *
     * @throws UnsupportedOperationException when the host's provider cannot power it (the message says what to configure)
     * @throws MultiHostException when it is not off within {@code deadline}
     */
    void off(Duration deadline);

    /**
     * Powers the host on (nothing happens to one that is on) and waits until it answers over SSH
     * with its boot id.
     *
     * @throws UnsupportedOperationException when the host's provider cannot power it
     * @throws MultiHostException when it does not answer within {@code deadline}
     */
    void on(Duration deadline);

    /**
     * {@link #off} then {@link #on}, both within {@code deadline}: a cold boot.
     *
     * @throws UnsupportedOperationException when the host's provider cannot power it
     * @throws MultiHostException when it does not answer again within {@code deadline}
     */
    void cycle(Duration deadline);
}
