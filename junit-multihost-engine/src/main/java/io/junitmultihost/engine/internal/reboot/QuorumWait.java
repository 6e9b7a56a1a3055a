package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.api.QuorumException;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootOutcome;
import io.junitmultihost.api.RebootResults;
import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for many reboots under a {@link Quorum}, woken by their state changes (the clock alone
 * wakes it for the countdown and the deadline), then leaves behind the hosts still on their way.
 */
final class QuorumWait {

    private static final Logger LOG = LoggerFactory.getLogger(QuorumWait.class);
    /** A wake-up for reboots that are not state machines of ours and so cannot wake the waiter. */
    private static final long POLL_NANOS = Duration.ofMillis(200).toNanos();

    private final List<Host> hosts;
    private final List<Reboot> reboots;
    private final Quorum quorum;
    private final Object changed = new Object();

    QuorumWait(List<Host> hosts, List<Reboot> reboots, Quorum quorum) {
        if (hosts.size() != reboots.size()) {
            throw new IllegalArgumentException("One reboot per host: [" + hosts.size() + "] hosts, [" + reboots.size() + "] reboots.");
        }
        this.hosts = List.copyOf(hosts);
        this.reboots = List.copyOf(reboots);
        this.quorum = quorum.forHosts(hosts.size());
    }

    RebootResults await() {
        long start = System.nanoTime();
        for (Reboot reboot : reboots) {
            if (reboot instanceof MachineReboot machine) {
                machine.progress().onChange(this::wake);
            }
        }
        QuorumClock clock = new QuorumClock(quorum);
        QuorumClock.Decision decision;
        int made;
        synchronized (changed) {
            while (true) {
                made = 0;
                int pending = 0;
                for (Reboot reboot : reboots) {
                    HostState state = reboot.state();
                    if (state == HostState.READY) {
                        made++;
                    } else if (!state.isFinal()) {
                        pending++;
                    }
                }
                decision = clock.decide(made, pending);
                if (decision != QuorumClock.Decision.WAIT) {
                    break;
                }
                try {
                    long nanos = clock.nanosToNextTick(POLL_NANOS);
                    changed.wait(Math.max(1, nanos / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelPending("abandoned: the wait for the quorum was interrupted");
                    throw new MultiHostException("Waiting for the reboot of hosts " + names() + " was interrupted.", e);
                }
            }
        }
        Map<String, RebootOutcome> outcomes = new LinkedHashMap<>();
        List<Host> ready = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            RebootOutcome outcome = reboots.get(i).awaitOutcome(Duration.ZERO);
            outcomes.put(hosts.get(i).name(), outcome);
            if (outcome.isReady()) {
                ready.add(hosts.get(i));
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        RebootResults results = new RebootResults(quorum, outcomes, ready, elapsed);
        if (decision == QuorumClock.Decision.FAIL) {
            cancelPending("given up: the quorum could not be met");
            throw new QuorumException(failure(results, clock), results);
        }
        if (ready.size() < hosts.size()) {
            cancelPending("left behind: the quorum went on with [" + ready.size() + "] of [" + hosts.size() + "] hosts");
            LOG.warn("Reboot of [{}] hosts goes on with [{}] (quorum: target [{}], min [{}]) after [{}]; missing: {}",
                    hosts.size(), ready.size(), quorum.target(), quorum.min(), RebootMachine.seconds(elapsed),
                    describeMissing(results));
        } else {
            LOG.info("Reboot of [{}] hosts complete after [{}].", hosts.size(), RebootMachine.seconds(elapsed));
        }
        return results;
    }

    private String failure(RebootResults results, QuorumClock clock) {
        int failed = (int) results.outcomes().values().stream().filter(o -> o.state().isFinal() && !o.isReady()).count();
        String why = clock.pastDeadline() ? " within [" + HumanDuration.of(quorum.deadline().orElseThrow()) + "]"
                : " and [" + failed + "] can no longer make it";
        return "Only [" + results.ready().size() + "] of [" + hosts.size() + "] hosts rebooted, below the quorum's"
                + " minimum [" + quorum.min() + "] (target [" + quorum.target() + "])" + why + ". Missing: "
                + describeMissing(results) + ". Find out why those hosts did not come back, or lower the quorum's minimum.";
    }

    private static String describeMissing(RebootResults results) {
        List<String> missing = new ArrayList<>();
        for (RebootOutcome outcome : results.outcomes().values()) {
            if (!outcome.isReady()) {
                missing.add("[" + outcome.describe() + "]");
            }
        }
        return String.join(", ", missing);
    }

    private void cancelPending(String reason) {
        for (Reboot reboot : reboots) {
            if (!reboot.state().isFinal()) {
                if (reboot instanceof MachineReboot machine) {
                    machine.cancel(reason);
                } else {
                    reboot.cancel();
                }
            }
        }
    }

    private void wake() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    private List<String> names() {
        return hosts.stream().map(Host::name).toList();
    }
}
