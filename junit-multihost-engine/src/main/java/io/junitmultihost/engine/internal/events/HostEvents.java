package io.junitmultihost.engine.internal.events;

import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's event stream of host state changes, in this JVM: one per host pool (launcher
 * session). Reboot state machines publish here; {@link io.junitmultihost.api.StateWait} handles
 * and the Sync integration subscribe. Each event is logged at INFO as it is published (host, from,
 * to, boot id, elapsed). Thread-safe. Internal.
 *
 * <p>Only the reboot state machines publish today; the barrier server's event stream (a process
 * on a host saying it is up) is not bridged in. Whatever bridges it must publish through
 * {@link #publish(HostEvent)}, so that it is logged like the rest.
 */
public final class HostEvents {

    private static final Logger LOG = LoggerFactory.getLogger(HostEvents.class);

    private final CopyOnWriteArrayList<Consumer<HostEvent>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<AbsenceListener> absenceListeners = new CopyOnWriteArrayList<>();
    private final Map<String, Absence> absences = new ConcurrentHashMap<>();
    private final Map<String, String> bootIds = new ConcurrentHashMap<>();
    private final io.junitmultihost.engine.internal.report.RunRecord record =
            new io.junitmultihost.engine.internal.report.RunRecord();

    /** Every event of the run, host states and what else the engine records, for its report. */
    public io.junitmultihost.engine.internal.report.RunRecord record() {
        return record;
    }

    /**
     * Hands every event published from now on to {@code listener}, on the publishing thread, until
     * the returned subscription is closed. A listener that throws is logged and kept.
     */
    public Subscription subscribe(Consumer<HostEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * The engine read {@code bootId} on {@code host} ({@code how}: by what). A boot id other than the
     * last one known, read while the host is not away on purpose, is a crash, reset or reboot
     * nothing of the engine asked for: published as {@link HostState#REBOOTED}.
     */
    public void bootIdSeen(String host, String bootId, String how) {
        String before = bootIds.put(host, bootId);
        if (before != null && !before.equals(bootId) && !isAbsenceExpected(host)) {
            publish(event(host, null, HostState.REBOOTED, bootId, "a new boot id (was [" + before + "]) read by " + how
                    + " while no reboot or power action of the engine was under way: the host crashed, was reset or rebooted by itself"));
        }
    }

    /** Logs {@code event} at INFO (WARN for a failure) and hands it to every subscriber. */
    public void publish(HostEvent event) {
        if (event.bootId() != null && (event.to() == HostState.UP || event.to() == HostState.VERIFIED || event.to() == HostState.READY
                || event.to() == HostState.REBOOTED)) {
            bootIds.put(event.host(), event.bootId());
        }
        String from = event.from() == null ? "-" : event.from().name();
        String line = "Host [{}]: [{}] -> [{}], boot id [{}], after [{}]{}";
        Object[] values = {event.host(), from, event.to(), event.bootId() == null ? "unknown" : event.bootId(),
                seconds(event.elapsed()), event.detail().isEmpty() ? "" : ": " + event.detail()};
        record.add("host.state", event.host(), "", "from", event.from() == null ? null : event.from().name(),
                "to", event.to().name(), "boot_id", event.bootId(), "elapsed_ms", event.elapsed().toMillis(),
                "detail", event.detail().isEmpty() ? null : event.detail());
        if (event.to() == HostState.FAILED) {
            LOG.warn(line, values);
        } else {
            LOG.info(line, values);
        }
        for (Consumer<HostEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("A listener of host events failed on [{}]: {}", event, e.toString());
            }
        }
    }

    /** Tells listeners and later askers that {@code host} is going away on purpose. */
    public void expectAbsence(String host, String reason) {
        absences.put(host, new Absence(host, reason, Instant.now()));
        for (AbsenceListener listener : absenceListeners) {
            try {
                listener.absenceExpected(host, reason);
            } catch (RuntimeException e) {
                LOG.warn("An absence listener failed for host [{}]: {}", host, e.toString());
            }
        }
    }

    /** Ends {@code host}'s expected absence, {@code how} it ended; does nothing when none was expected. */
    public void endAbsence(String host, HostState how) {
        if (absences.remove(host) == null) {
            return;
        }
        for (AbsenceListener listener : absenceListeners) {
            try {
                listener.absenceEnded(host, how);
            } catch (RuntimeException e) {
                LOG.warn("An absence listener failed for host [{}]: {}", host, e.toString());
            }
        }
    }

    /** Whether {@code host} is away on purpose now (the engine is rebooting it). */
    public boolean isAbsenceExpected(String host) {
        return absences.containsKey(host);
    }

    /** The expected absence of {@code host}, if it is away on purpose now. */
    public Optional<Absence> absence(String host) {
        return Optional.ofNullable(absences.get(host));
    }

    /** Tells {@code listener} of every expected absence from now on, until the subscription is closed. */
    public Subscription onAbsence(AbsenceListener listener) {
        absenceListeners.add(listener);
        return () -> absenceListeners.remove(listener);
    }

    private static String seconds(Duration d) {
        return io.junitmultihost.spi.HumanDuration.of(d);
    }

    /**
     * A host away on purpose.
     *
     * @param host its name
     * @param reason why, for messages
     * @param since when it began
     */
    public record Absence(String host, String reason, Instant since) {
    }

    /** Ends a subscription; closing twice does nothing. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** A convenience for sources outside the engine: an event with no reboot behind it. */
    public static HostEvent event(String host, HostState from, HostState to, String bootId, String detail) {
        return new HostEvent(host, from, to, bootId, Duration.ZERO, Instant.now(), detail);
    }
}
