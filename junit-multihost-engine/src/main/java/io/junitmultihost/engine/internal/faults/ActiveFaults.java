package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Fault;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The faults in force in this JVM, by host, so that a command, sync or reboot that fails names them:
 * "... while host-2 was partitioned from host-1 since 12:01:03.120". Host names are unique within a
 * run, and a fault leaves this registry when it is lifted. Thread-safe.
 */
public final class ActiveFaults {

    private static final Set<Fault> ACTIVE = ConcurrentHashMap.newKeySet();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private ActiveFaults() {
    }

    static void add(Fault fault) {
        ACTIVE.add(fault);
    }

    static void remove(Fault fault) {
        ACTIVE.remove(fault);
    }

    /**
     * What to append to a failure on {@code hosts}: {@code " while A since T; and while B since U"},
     * oldest first, or an empty string when no fault acts on any of them.
     */
    public static String during(Collection<String> hosts) {
        List<Fault> hits = new ArrayList<>();
        for (Fault fault : ACTIVE) {
            if (fault.isActive() && fault.hosts().stream().anyMatch(hosts::contains)) {
                hits.add(fault);
            }
        }
        if (hits.isEmpty()) {
            return "";
        }
        hits.sort((a, b) -> a.since().compareTo(b.since()));
        StringBuilder text = new StringBuilder();
        for (Fault fault : hits) {
            text.append(text.length() == 0 ? " while " : "; and while ").append(fault.description()).append(" since ")
                    .append(TIME.format(LocalTime.ofInstant(fault.since(), ZoneId.systemDefault())))
                    .append(" (").append(fault.id()).append(')');
        }
        return text.toString();
    }

    /** {@link #during(Collection)} for every host: what a failure among many hosts (a sync) appends. */
    public static String duringAny() {
        List<String> all = new ArrayList<>();
        ACTIVE.forEach(f -> all.addAll(f.hosts()));
        return during(all);
    }

    /**
     * {@code message} naming the faults in force on {@code host}: {@code "X did not answer within
     * [2 s] while lab-4 was cut off ... (fault-7)."}; {@code message} itself when there are none.
     */
    public static String named(String message, String host) {
        return join(message, during(host));
    }

    /** {@code message} naming every fault in force (for failures among many hosts: syncs). */
    public static String namedAny(String message) {
        return join(message, duringAny());
    }

    private static String join(String message, String during) {
        if (during.isEmpty() || message == null) {
            return message;
        }
        return message.endsWith(".") ? message.substring(0, message.length() - 1) + during + "." : message + during;
    }

    /** {@link #during(Collection)} for one host. */
    public static String during(String host) {
        return during(List.of(host));
    }
}
