package io.junitmultihost.api;

import java.util.Optional;

/**
 * What code running in a remote JVM knows of itself: its logical id, name, host and role, the
 * {@link Vms} to stop or start the others (or itself), and its {@link Sync}. Empty in the test JVM.
 */
public final class VmContext {

    private static volatile VmContext current;

    private final VmInfo self;
    private final Vms vms;
    private final Sync sync;

    private VmContext(VmInfo self, Vms vms, Sync sync) {
        this.self = self;
        this.vms = vms;
        this.sync = sync;
    }

    /** The context of the remote JVM this code runs in; empty in the test JVM. */
    public static Optional<VmContext> current() {
        return Optional.ofNullable(current);
    }

    /** Set once by the remote JVM's launcher, before any code of the test runs there. Internal. */
    public static void install(VmInfo self, Vms vms, Sync sync) {
        if (current != null) {
            throw new IllegalStateException("The VM context is set already.");
        }
        current = new VmContext(self, vms, sync);
    }

    /** This JVM's logical id, name, host, role and PID. */
    public VmInfo self() {
        return self;
    }

    /**
     * Remote sync with the test JVM ({@link Sync#CONTROLLER}), processes on the hosts (by host name)
     * and the other JVMs (by their names): this JVM is the participant named {@link VmInfo#name()}.
     * {@link Sync#script(Host)} is the test JVM's and is refused here.
     */
    public Sync sync() {
        return sync;
    }

    /** Dynamic actions on the run's JVMs, this one included; {@link Vms#launch} is refused here. */
    public Vms vms() {
        return vms;
    }
}
