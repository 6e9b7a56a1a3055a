package io.junitmultihost.engine.internal.owner;

/**
 * The order in which an {@link Owner} stops what it holds: what acts on hosts first (so that it
 * starts nothing new), then the faults it imposed, then its remote JVMs (whose close tasks may still need the hosts), then the
 * commands and processes it may have started, then sync, then the forwards the commands, JVMs and
 * sync ran over. Internal.
 */
public enum Stage {

    /** Reboot state machines, prepare steps, fan-out calls, power actions: work in flight, cancelled. */
    ACTIONS(true),
    /** Faults imposed on hosts (partitions, paused JVMs): lifted before anything else ends. */
    FAULTS(false),
    /** Remote JVMs, held for the class's life: their close tasks run, then they exit or are killed. */
    VMS(false),
    /** Commands still running on hosts (plain ones, and processes from {@code Host.start}): cancelled. */
    PROCESSES(true),
    /** Sync participants and the class's sync scope: closed. */
    SYNC(false),
    /** Port forwards through the hosts' SSH connections: closed last. */
    FORWARDS(false);

    private final boolean inFlight;

    Stage(boolean inFlight) {
        this.inFlight = inFlight;
    }

    /**
     * Whether what is left in this stage at the end was still running, so that stopping it is a
     * cancel worth a warning; otherwise it is held for the class's life and closing it is normal.
     */
    public boolean inFlight() {
        return inFlight;
    }
}
