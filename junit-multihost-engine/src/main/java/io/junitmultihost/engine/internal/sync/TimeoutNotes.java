package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.spi.HumanDuration;
import io.junitmultihost.sync.SyncEvent;
import io.junitmultihost.sync.SyncScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a sync that timed out or failed adds to its failure message: who waits where in its scope,
 * and the last lines of each involved host's logs (its {@code mh-sync} log, and its system log where
 * it has one), asked of all those hosts at once and each bounded, so that the message stays short
 * and comes within a second of the wait's own end even when hosts do not answer. Internal.
 */
final class TimeoutNotes {

    /** For participants whose hosts the caller cannot reach (a remote JVM's sync). */
    static final TimeoutNotes NONE = new TimeoutNotes(null, Map.of());

    static final String LOG = ".multihost/mh-sync.log";
    /** At most how long the notes add to a failure that came at its deadline: hosts that answer take ~100 ms. */
    private static final Duration ASK = Duration.ofSeconds(1);
    private static final int MAX_HOSTS = 8;
    private static final int MAX_LINE = 200;
    private static final String SYSTEM_LOG = "--- system log";
    /** The host's mh-sync log, then its journal, or else syslog or messages: a few lines of each. */
    private static final String TAILS = "tail -n 5 " + LOG + " 2>/dev/null; echo '" + SYSTEM_LOG + "';"
            + " { journalctl -q -n 3 --no-pager 2>/dev/null || tail -n 3 /var/log/syslog 2>/dev/null"
            + " || tail -n 3 /var/log/messages 2>/dev/null; } | cut -c1-" + MAX_LINE;

    private final SyncScope scope;
    private final Map<String, Host> hosts;

    TimeoutNotes(SyncScope scope, Map<String, Host> hosts) {
        this.scope = scope;
        this.hosts = hosts;
    }

    /** The notes about a failed wait that involved {@code participants}; empty for {@link #NONE}. */
    String about(Collection<String> participants) {
        if (scope == null) {
            return "";
        }
        StringBuilder text = new StringBuilder("\n\nWho waits where in [").append(scope.label()).append("]:\n");
        String waits = whoWaitsWhere(scope);
        text.append(waits.isEmpty() ? "  nobody else\n" : waits.indent(2));
        List<Host> involved = participants.stream().map(hosts::get).filter(h -> h != null).distinct().toList();
        if (involved.isEmpty()) {
            return text.toString();
        }
        text.append("Last lines of the involved hosts' logs:\n");
        Map<Host, CompletableFuture<String>> asked = new LinkedHashMap<>();
        for (Host host : involved.subList(0, Math.min(MAX_HOSTS, involved.size()))) {
            asked.put(host, CompletableFuture.supplyAsync(() -> host.exec(Command.shell(TAILS).withDeadline(ASK))
                    .stdout()));
        }
        long until = System.nanoTime() + ASK.toNanos();
        asked.forEach((host, tails) -> {
            String out;
            try {
                out = tails.get(Math.max(until - System.nanoTime(), 1), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out = null;
            } catch (Exception e) {
                out = null;
            }
            if (out == null) {
                text.append("  [").append(host.name()).append("] did not answer within [")
                        .append(HumanDuration.of(ASK)).append("]\n");
                return;
            }
            int cut = out.indexOf(SYSTEM_LOG);
            String own = cut < 0 ? out : out.substring(0, cut);
            String system = cut < 0 ? "" : out.substring(cut + SYSTEM_LOG.length()).strip();
            text.append("  [").append(host.name()).append("] ~/").append(LOG).append(':')
                    .append(lines(own)).append("  [").append(host.name()).append("] system log:").append(lines(system));
        });
        if (involved.size() > MAX_HOSTS) {
            text.append("  ... and ").append(involved.size() - MAX_HOSTS).append(" more hosts\n");
        }
        return text.toString();
    }

    private static String lines(String text) {
        if (text.isBlank()) {
            return " (none)\n";
        }
        StringBuilder out = new StringBuilder("\n");
        text.strip().lines().forEach(l -> out.append("    ")
                .append(l.length() > MAX_LINE ? l.substring(0, MAX_LINE) + "..." : l).append('\n'));
        return out.toString();
    }

    /**
     * From the scope's events: each syncpoint some arrived at that was neither released nor failed,
     * with those that arrived, and each participant's last cluster state.
     */
    static String whoWaitsWhere(SyncScope scope) {
        Map<String, List<String>> waiting = new LinkedHashMap<>();
        Map<String, String> states = new TreeMap<>();
        for (SyncEvent event : scope.events(0)) {
            switch (event.type()) {
                case ARRIVED -> waiting.computeIfAbsent(event.subject(), k -> new ArrayList<>()).add(event.participant());
                case RELEASED, SYNC_FAILED -> waiting.remove(event.subject());
                case STATE -> {
                    if (!event.subject().isEmpty()) {
                        states.put(event.participant(), event.subject());
                    }
                }
                default -> {
                    // not about who waits
                }
            }
        }
        StringBuilder text = new StringBuilder();
        waiting.forEach((syncpoint, arrived) -> text.append("syncpoint [").append(syncpoint).append("]: arrived ")
                .append(arrived).append(", not released\n"));
        if (!states.isEmpty()) {
            text.append("cluster states: ").append(states).append('\n');
        }
        return text.toString();
    }
}
