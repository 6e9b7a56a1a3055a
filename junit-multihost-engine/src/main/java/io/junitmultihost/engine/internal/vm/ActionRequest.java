package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.VmTarget;
import java.io.Serializable;

/**
 * What code in a remote JVM asks the controller, which carries out every dynamic action: a stop or
 * start (a null target means the asking JVM itself), or the ids or a PID of the run's JVMs.
 */
record ActionRequest(Kind kind, String reason, StopMode stopMode, StartMode startMode, VmTarget target,
        boolean async, String vmId) implements Serializable {

    enum Kind { STOP, START, IDS, PID }

    static ActionRequest stop(String reason, StopMode stopMode, StartMode startMode, VmTarget target, boolean async) {
        return new ActionRequest(Kind.STOP, reason, stopMode, startMode, target, async, null);
    }

    static ActionRequest start(String reason, VmTarget target, boolean async) {
        return new ActionRequest(Kind.START, reason, null, null, target, async, null);
    }

    static ActionRequest query(Kind kind, String vmId) {
        return new ActionRequest(kind, kind.name(), null, null, null, false, vmId);
    }
}
