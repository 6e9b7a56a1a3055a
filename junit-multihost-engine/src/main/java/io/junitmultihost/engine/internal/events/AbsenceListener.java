package io.junitmultihost.engine.internal.events;

import io.junitmultihost.api.HostState;

/**
 * Told when a host's absence becomes expected (the engine asked it to reboot) and when it ends.
 * The seam for syncs and watchdogs: a barrier waiting for a process on a host that is absent as
 * expected keeps waiting instead of failing, and fails at once when the absence ends in
 * {@link HostState#FAILED}. Called on the thread of the host's reboot; keep it quick. Internal.
 */
public interface AbsenceListener {

    /** {@code host} is going away on purpose, for {@code reason} (for example "reboot requested"). */
    void absenceExpected(String host, String reason);

    /**
     * {@code host}'s expected absence is over: {@link HostState#READY} when it is back,
     * {@link HostState#FAILED} when it will not come back, {@link HostState#CANCELLED} when nobody
     * waits for it any more.
     */
    void absenceEnded(String host, HostState how);
}
