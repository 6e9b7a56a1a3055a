package io.junitmultihost.lab;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab as a {@link HostProvider}: one {@link Lab} for the session, started on the first
 * request (or at creation when {@code multihost.lab.hosts} asks for hosts up front). Hosts serve
 * any role. Before a host is handed out its faults are cleared, it is powered on if a previous
 * test left it off, and the safety check runs on it again.
 */
final class LabHostProvider implements HostProvider {

    private static final Logger LOG = LoggerFactory.getLogger(LabHostProvider.class);

    private final LabOptions options;
    private Lab lab;
    private boolean closed;

    /**
     * @throws io.junitmultihost.api.ConfigurationException when this machine cannot run a lab or
     *     the options name a state directory the lab refuses: found before anything starts, so the
     *     run fails once rather than every class
     */
    LabHostProvider(LabOptions options) {
        this.options = options;
        Lab.checkStateDir(options.stateDir());
        LabEnvironment.problem().ifPresent(problem -> {
            throw new ConfigurationException(problem);
        });
        if (options.hosts() > 0) {
            lab();
        }
    }

    @Override
    public synchronized List<HostSpec> hosts(String role, int wanted, Set<String> busy, Duration deadline) {
        if (wanted <= 0) {
            return List.of();
        }
        long end = System.nanoTime() + deadline.toNanos();
        Lab current = lab();
        List<LabHost> free = current.hosts().stream().filter(h -> !busy.contains(h.name())).collect(Collectors.toList());
        int room = options.maxHosts() - current.hosts().size();
        int missing = Math.min(wanted - free.size(), room);
        if (missing > 0) {
            LOG.info("Lab [{}]: starting {} more hosts for role [{}]", current.id(), missing, role);
            free.addAll(current.addHosts(missing, left(end)));
        }
        // busy is live: a host another class was given while hosts started is not touched.
        List<LabHost> chosen = free.stream().filter(h -> !busy.contains(h.name())).limit(wanted).collect(Collectors.toList());
        List<CompletableFuture<Void>> ready = chosen.stream()
                .map(h -> CompletableFuture.runAsync(() -> prepare(h, left(end)), LabThreads.IO))
                .collect(Collectors.toList());
        try {
            CompletableFuture.allOf(ready.toArray(new CompletableFuture<?>[0])).get(Math.max(left(end).toMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : new LabException("Lab hosts could not be made ready: [" + e.getCause() + "].", e.getCause());
        } catch (TimeoutException e) {
            throw new LabException("Lab hosts " + chosen + " were not ready within [" + HumanDuration.of(deadline) + "].");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("Interrupted while readying lab hosts " + chosen + ".", e);
        }
        return chosen.stream().map(LabHost::spec).collect(Collectors.toList());
    }

    /** {@inheritDoc} {@code multihost.lab.max-hosts}; each serves every role. */
    @Override
    public int maxHosts() {
        return options.maxHosts();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (lab != null) {
            lab.close();
        }
    }

    /** The session's lab, started on first use. */
    synchronized Lab lab() {
        if (closed) {
            throw new LabException("The lab provider is closed.");
        }
        if (lab == null) {
            lab = Lab.start(options);
        }
        return lab;
    }

    /** Makes a host as a test expects to get it: no faults, powered on, up, checked. */
    private static void prepare(LabHost host, Duration deadline) {
        host.clearFaults();
        LabHost.State state = host.state();
        if (state == LabHost.State.OFF || state == LabHost.State.FAILED) {
            host.powerOn(deadline);
        } else {
            host.awaitUp(deadline);
        }
        host.recheck(deadline);
    }

    private static Duration left(long end) {
        return Duration.ofNanos(Math.max(end - System.nanoTime(), 0));
    }

    @Override
    public String toString() {
        return "LabHostProvider[" + options + "]";
    }

    /** For tests: the hosts started so far. */
    synchronized List<LabHost> started() {
        return lab == null ? List.of() : new ArrayList<>(lab.hosts());
    }
}
