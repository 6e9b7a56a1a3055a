package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootResults;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.owner.Owned;
import io.junitmultihost.engine.internal.owner.Owner;
import io.junitmultihost.engine.internal.owner.Stage;
import io.junitmultihost.ssh.SshHost;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts reboot state machines, one thread each (a host never waits for another), and waits for
 * many under a quorum. Each machine is registered with the {@link Owner} of the class that started
 * it until it ends; when the class ends first, the machine is cancelled, but a host already asked
 * to reboot is first brought back up (see {@link RebootMachine#cancelAtClassEnd}), so that the next
 * class gets it up. Internal: the entry point of this package for {@code Host} and {@code Cluster}.
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

    /**
     * Starts {@code host}'s reboot state machine and returns at once, before even the old boot id is
     * read. The machine is {@code owner}'s until it ends.
     */
    public static Reboot begin(Host host, SshHost ssh, RebootOptions options, RebootDefaults defaults,
            HostEvents events, Owner owner) {
        Objects.requireNonNull(options, "options");
        RebootProgress progress = new RebootProgress(host.name(), events);
        RebootMachine machine = new RebootMachine(host, new BootProbe(ssh), options, defaults, progress, events);
        CompletableFuture<Void> finished = new CompletableFuture<>();
        // the machine bounds itself by its phases; bringing a host back up takes at most down plus up
        Duration bound = options.downTimeout().plus(options.upTimeout()).plus(defaults.connectTimeout());
        Owned owned = owner.register(Stage.ACTIONS, "reboot of host [" + host.name() + "]", bound, () -> {
            machine.cancelAtClassEnd("cancelled because " + owner.name() + " ended");
            finished.get(bound.plusSeconds(1).toNanos(), TimeUnit.NANOSECONDS);
        });
        progress.onFinal(owned::done); // what is left of the machine's thread then touches no host
        MACHINES.execute(() -> {
            try {
                machine.run();
            } finally {
                finished.complete(null);
                owned.done();
            }
        });
        return new MachineReboot(host, options, progress, machine);
    }

    /**
     * Starts {@code host}'s reboot state machine and returns once the old boot id is read (so that a
     * reboot the caller makes next cannot be mistaken for the old boot); the rest runs in the
     * background.
     */
    public static Reboot start(Host host, SshHost ssh, RebootOptions options, RebootDefaults defaults,
            HostEvents events, Owner owner) {
        MachineReboot reboot = (MachineReboot) begin(host, ssh, options, defaults, events, owner);
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
