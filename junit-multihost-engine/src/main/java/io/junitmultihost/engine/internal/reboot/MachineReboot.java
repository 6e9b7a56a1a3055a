package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootOutcome;
import io.junitmultihost.engine.internal.faults.ActiveFaults;
import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.List;

/** The {@link Reboot} handle on one host's {@link RebootMachine}. */
final class MachineReboot implements Reboot {

    private final Host host;
    private final RebootOptions options;
    private final RebootProgress progress;
    private final RebootMachine machine;

    MachineReboot(Host host, RebootOptions options, RebootProgress progress, RebootMachine machine) {
        this.host = host;
        this.options = options;
        this.progress = progress;
        this.machine = machine;
    }

    RebootProgress progress() {
        return progress;
    }

    void cancel(String reason) {
        machine.cancel(reason);
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public String oldBootId() {
        return progress.oldBootId();
    }

    @Override
    public RebootOptions options() {
        return options;
    }

    @Override
    public HostState state() {
        HostState state = progress.state();
        if ((state == null || !state.isFinal()) && machine.endingCancelled()) {
            return HostState.CANCELLED; // as cancel() promises, though the machine ends at its next step
        }
        return state == null ? HostState.PREPARING : state;
    }

    @Override
    public String awaitUp(Duration deadline) {
        HostState state = awaitFinal(deadline);
        RebootOutcome outcome = progress.outcome();
        if (state == HostState.READY) {
            return outcome.bootId();
        }
        if (state == HostState.FAILED || state == HostState.CANCELLED) {
            throw new RebootException(ActiveFaults.named(outcome.lastSeen(), host.name()));
        }
        String seen = progress.lastSeen();
        String context = progress.attemptContext();
        String lastSeen = "last seen [" + (seen.isEmpty() ? "nothing yet" : seen) + "]";
        if (context.isEmpty()) {
            throw new RebootException(ActiveFaults.named("Host [" + host.name() + "] did not come back with a new boot id within ["
                    + HumanDuration.of(deadline) + "]: phase [" + describe(state) + "], " + lastSeen
                    + "; the old boot id was [" + outcome.oldBootId() + "]."
                    + (state == HostState.REQUESTED ? " " + machine.notSeenDown() : "")
                    + " Its reboot goes on; cancel() stops it.", host.name()));
        }
        // A retry: the host did go down and come back before, so say which attempt this is and why.
        throw new RebootException(ActiveFaults.named("Host [" + host.name() + "] was not back as asked within [" + HumanDuration.of(deadline)
                + "]: " + context + "; now phase [" + describe(state) + "], " + lastSeen + "; the boot it "
                + (state == HostState.REQUESTED ? "waits to leave" : "left") + " is [" + progress.bootId()
                + "] (before the first attempt: [" + outcome.oldBootId() + "])."
                + (state == HostState.REQUESTED ? " It was not seen going down since this attempt's reboot was asked for:"
                        + " that request may have failed." : "")
                + " Its reboot goes on; cancel() stops it.", host.name()));
    }

    @Override
    public RebootOutcome awaitOutcome(Duration deadline) {
        awaitFinal(deadline);
        return progress.outcome();
    }

    @Override
    public List<HostEvent> history() {
        return progress.history();
    }

    @Override
    public void cancel() {
        machine.cancel("cancelled by the caller");
    }

    private HostState awaitFinal(Duration deadline) {
        try {
            HostState state = progress.awaitFinal(deadline);
            return state == null ? HostState.PREPARING : state;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RebootException("Waiting for host [" + host.name() + "] to reboot was interrupted; its reboot goes on.", e);
        }
    }

    /** {@code REQUESTED: waiting for the host to go down}, for messages. */
    static String describe(HostState state) {
        return state + ": " + switch (state) {
            case PREPARING -> "reading the old boot id and preparing";
            case REQUESTED -> "waiting for the host to go down";
            case DOWN -> "waiting for a new boot id";
            case UP -> "checking the new boot";
            case VERIFIED -> "verified, finishing";
            case READY -> "ready";
            case FAILED -> "failed";
            case CANCELLED -> "cancelled";
            case POWERED_OFF -> "powered off";
            case REBOOTED -> "rebooted unasked";
        };
    }

    @Override
    public String toString() {
        return "Reboot[" + host.name() + ", " + state() + ", old boot id " + oldBootId() + "]";
    }
}
