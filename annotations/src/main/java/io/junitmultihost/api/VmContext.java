package io.junitmultihost.api;

import java.util.Optional;

/**
 * What code running in a remote JVM knows of itself: its logical id, name, host and role, and the
 * {@link Vms} to stop or start the others (or itself). Empty in the test JVM.
 */
public final class VmContext {

    private static volatile VmContext current;

    private final VmInfo self;
    private final Vms vms;

    private VmContext(VmInfo self, Vms vms) {
        this.self = self;
        this.vms = vms;
    }

    /** The context of the remote JVM this code runs in; empty in the test JVM. */
    public static Optional<VmContext> current() {
        return Optional.ofNullable(current);
    }

    /** Set once by the remote JVM's launcher, before any code of the test runs there. Internal. */
    public static void install(VmInfo self, Vms vms) {
        if (current != null) {
            throw new IllegalStateException("The VM context is set already.");
        }
        current = new VmContext(self, vms);
    }

    /** This JVM's logical id, name, host, role and PID. */
    public VmInfo self() {
        return self;
    }

    /** Dynamic actions on the run's JVMs, this one included; {@link Vms#launch} is refused here. */
    public Vms vms() {
        return vms;
    }
}
