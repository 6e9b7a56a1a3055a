package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootResults;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.ssh.SshHost;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts reboot state machines, one thread each (a host never waits for another), and waits for
 * many under a quorum. Internal: the entry point of this package for {@code Host} and
 * {@code Cluster}.
 */
public final class Reboots {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService MACHINES = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "multihost-reboot-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private Reboots() {
    }

    /** Starts {@code host}'s reboot state machine and returns at once, before even the old boot id is read. */
    public static Reboot begin(Host host, SshHost ssh, RebootOptions options, RebootDefaults defaults,
            HostEvents events) {
        Objects.requireNonNull(options, "options");
        RebootProgress progress = new RebootProgress(host.name(), events);
        RebootMachine machine = new RebootMachine(host, new BootProbe(ssh), options, defaults, progress, events);
        MACHINES.execute(machine);
        return new MachineReboot(host, options, progress, machine);
    }

    /**
     * Starts {@code host}'s reboot state machine and returns once the old boot id is read (so that a
     * reboot the caller makes next cannot be mistaken for the old boot); the rest runs in the
     * background.
     */
    public static Reboot start(Host host, SshHost ssh, RebootOptions options, RebootDefaults defaults,
            HostEvents events) {
        MachineReboot reboot = (MachineReboot) begin(host, ssh, options, defaults, events);
        Duration bound = defaults.connectTimeout().multipliedBy(3).plusSeconds(10);
        try {
            reboot.progress().awaitOldBootId(options.prepareTimeout().compareTo(bound) < 0 ? options.prepareTimeout() : bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reboot.cancel("interrupted before it started");
            throw new RebootException("Starting the reboot of host [" + host.name() + "] was interrupted.", e);
        }
        return reboot;
    }

    /**
     * Waits until {@code quorum} is decided over {@code reboots} (of {@code hosts}, in the same order),
     * cancels the reboots still running then, and returns every host's outcome.
     *
     * @throws io.junitmultihost.api.QuorumException below the quorum's minimum
     */
    public static RebootResults awaitQuorum(List<Host> hosts, List<Reboot> reboots, Quorum quorum) {
        return new QuorumWait(hosts, reboots, quorum).await();
    }
}
