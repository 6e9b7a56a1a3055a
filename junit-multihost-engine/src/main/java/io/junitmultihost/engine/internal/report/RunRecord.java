package io.junitmultihost.engine.internal.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every event of a run in this JVM, in the order they happened: commands, host states, syncs,
 * processes, remote JVMs, leases and tests, each with its time and its host. Written at the end as
 * {@code events.jsonl} and {@code timeline.html} ({@link RunReport}). Bounded: past
 * {@link #LIMIT} events the rest are counted, not kept. Thread-safe. Internal.
 */
public final class RunRecord {

    /** The most events kept: a run of a hundred thousand commands still reports, in bounded memory. */
    public static final int LIMIT = 200_000;

    private final Instant start = Instant.now();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private long dropped;

    /** When the record began: the run's time zero. */
    public Instant start() {
        return start;
    }

    /** A new id to pair an event's start with its end (a command, a process). */
    public long nextId() {
        return ids.incrementAndGet();
    }

    /**
     * Records an event now.
     *
     * @param kind what happened, e.g. {@code command.end}
     * @param host the host it happened on; empty for the test JVM
     * @param owner the test class it belongs to; empty when none
     * @param fields its details, in order (values: strings, numbers, booleans; nulls are left out)
     */
    public void add(String kind, String host, String owner, Object... fields) {
        addAt(Instant.now(), kind, host, owner, fields);
    }

    /** As {@link #add}, for an event that happened at {@code at} and is told later. */
    public void addAt(Instant at, String kind, String host, String owner, Object... fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("t", at.toString());
        event.put("ms", (at.toEpochMilli() - start.toEpochMilli()));
        event.put("kind", kind);
        event.put("host", host == null ? "" : host);
        if (owner != null && !owner.isEmpty()) {
            event.put("owner", owner);
        }
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i + 1] != null) {
                event.put(String.valueOf(fields[i]), fields[i + 1]);
            }
        }
        synchronized (this) {
            if (events.size() < LIMIT) {
                events.add(event);
            } else {
                dropped++;
            }
        }
    }

    /** The test class an owner's name ({@code class [com.example.SomeTest]}) stands for; the name itself otherwise. */
    public static String className(String ownerName) {
        return ownerName.startsWith("class [") && ownerName.endsWith("]")
                ? ownerName.substring("class [".length(), ownerName.length() - 1) : ownerName;
    }

    /** {@code text} cut to {@code max} characters, marked where it was cut. */
    public static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "... (" + text.length() + " chars)";
    }

    /** The events so far, oldest first (those told late sorted in by their time). */
    public synchronized List<Map<String, Object>> events() {
        List<Map<String, Object>> sorted = new ArrayList<>(events);
        sorted.sort(java.util.Comparator.comparingLong(e -> (Long) e.get("ms")));
        return sorted;
    }

    /** How many events were past the limit and not kept. */
    public synchronized long dropped() {
        return dropped;
    }
}
