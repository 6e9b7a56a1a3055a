package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.HostPower;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link HostPower} through the host's {@link HostControl}: each action bounded by its deadline
 * (the control runs on a thread of its own, so a control that hangs fails the action in time),
 * its absence expected while it is off, and its changes published as host events.
 */
final class PowerHandle implements HostPower {

    /** How long one boot id read may take while waiting for a powered-on host to answer. */
    private static final Duration PROBE = Duration.ofSeconds(5);

    private final RemoteHost host;
    private final HostEvents events;

    PowerHandle(RemoteHost host, HostEvents events) {
        this.host = host;
        this.events = events;
    }

    @Override
    public void off(Duration deadline) {
        HostControl control = control();
        events.expectAbsence(host.name(), "powered off through its power handle");
        bounded("power off", deadline, () -> control.powerOff(deadline));
        events.publish(HostEvents.event(host.name(), null, HostState.POWERED_OFF, null, "powered off through its power handle"));
    }

    @Override
    public void on(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        HostControl control = control();
        events.expectAbsence(host.name(), "being powered on through its power handle");
        bounded("power on", deadline, () -> control.powerOn(deadline));
        String bootId = awaitBootId(end, deadline);
        events.endAbsence(host.name(), HostState.READY);
        events.publish(HostEvents.event(host.name(), null, HostState.READY, bootId, "powered on through its power handle; it answers"));
    }

    @Override
    public void cycle(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        off(deadline);
        on(Duration.ofNanos(Math.max(end - System.nanoTime(), 1)));
    }

    private HostControl control() {
        Optional<HostControl> control = host.control();
        return control.orElseThrow(() -> new UnsupportedOperationException("Powering host [" + host.name()
                + "] is not supported: its provider offers no power control for it. For an inventory host configure"
                + " power_off_command and power_on_command for it or its group (docs/INVENTORY.md)."));
    }

    /** Runs {@code action} on a thread of its own; a {@link MultiHostException} past {@code deadline}. */
    private void bounded(String what, Duration deadline, Runnable action) {
        CompletableFuture<Void> run = CompletableFuture.runAsync(action, runnable -> {
            Thread t = new Thread(runnable, "multihost-power-" + host.name());
            t.setDaemon(true);
            t.start();
        });
        try {
            run.get(Math.max(deadline.toNanos(), 1), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new MultiHostException("Could not " + what + " host [" + host.name() + "] within [" + HumanDuration.of(deadline)
                    + "]: its provider's power control did not finish. Raise the deadline or check the power control.");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnsupportedOperationException unsupported) {
                throw unsupported;
            }
            throw new MultiHostException("Could not " + what + " host [" + host.name() + "]: " + (cause.getMessage() == null ? cause
                    : cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultiHostException("Interrupted while waiting to " + what + " host [" + host.name() + "].", e);
        }
    }

    /** Reads the host's boot id until it answers; a {@link MultiHostException} with the last failure past the deadline. */
    private String awaitBootId(long end, Duration deadline) {
        String last = "nothing tried";
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new MultiHostException("Host [" + host.name() + "] was powered on but did not answer over SSH within ["
                        + HumanDuration.of(deadline) + "]; last seen [" + last + "].");
            }
            try {
                Duration probe = Duration.ofNanos(Math.min(left, PROBE.toNanos()));
                return BootId.require(host.exec(Command.of("cat", BootId.PATH).withDeadline(probe)));
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(Math.min(200, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MultiHostException("Interrupted while waiting for host [" + host.name() + "] to answer after power on.", e);
            }
        }
    }
}
