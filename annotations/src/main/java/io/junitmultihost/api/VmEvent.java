package io.junitmultihost.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A remote JVM started, stopped, or ended by itself (a crash, a reboot of its host): what
 * {@link StateWait#watchVms} waits for, and what the run's log records.
 *
 * @param vm the JVM's logical id
 * @param name its name
 * @param host its host's name
 * @param kind what happened
 * @param mode the stop mode for {@link Kind#STOPPED}, the start's cause otherwise (such as {@code launch})
 * @param reason the reason given by whoever asked, or what ended it
 * @param by who asked: {@code the test JVM}, {@code VM [vm-2]}, or {@code the engine}
 * @param oldPid the PID before (-1: none)
 * @param newPid the PID after (-1: none)
 * @param at when
 */
public record VmEvent(String vm, String name, String host, Kind kind, String mode, String reason, String by,
        long oldPid, long newPid, Instant at) {

    /** What happened to a remote JVM. */
    public enum Kind {
        /** It is up and ran its init tasks: launched, or started again. */
        STARTED,
        /** A dynamic stop of it completed. */
        STOPPED,
        /** It ended without being stopped (it crashed, its host rebooted, its test JVM lost it). */
        ENDED
    }

    /** Checks the values. */
    public VmEvent {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
    }

    @Override
    public String toString() {
        return vm + " (" + name + " on " + host + ") " + kind + " " + mode + " by " + by + " for [" + reason + "]: pid "
                + oldPid + " -> " + newPid;
    }
}
