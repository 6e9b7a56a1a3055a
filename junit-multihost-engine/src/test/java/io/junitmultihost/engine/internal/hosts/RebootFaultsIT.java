package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootOutcome;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.spi.HostControl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Reboots on lab hosts (real OpenSSH) meeting faults: a link cut as the reboot is asked for, a cancel while down. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RebootFaultsIT {

    private static final String BLAME = "reboot command may have failed";
    private HostPool pool;
    private HostLease lease;
    private List<Host> hosts;

    @BeforeAll
    void startLab() {
        MustNotSkip.requireLab();
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab", "multihost.lab.down-time", "1s",
                "multihost.hosts.timeout", "2m", "multihost.lab.hosts", "3", "multihost.lab.max-hosts", "3")));
        lease = pool.lease(RebootFaultsIT.class.getName(), List.of(new RoleDeclaration("node", 2, 2)));
        hosts = lease.cluster().hosts();
    }

    @AfterAll
    void closeLab() {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aHostCutOffAsItsRebootIsAskedForIsNotBlamedOnTheRebootCommand() {
        Host host = hosts.get(0);
        HostControl control = RebootMachineIT.control(host);
        try (HostEvents.Subscription cut = pool.events().subscribe(e -> {
            if (e.host().equals(host.name()) && e.to() == HostState.REQUESTED) {
                control.cutLink();
            }
        })) {
            Reboot reboot = host.reboot(RebootOptions.defaults().withDownTimeout(Duration.ofSeconds(6))
                    .withUpTimeout(Duration.ofSeconds(6)));

            RebootException early = catchThrowableOfType(RebootException.class, () -> reboot.awaitUp(Duration.ofSeconds(2)));
            RebootOutcome outcome = reboot.awaitOutcome(Duration.ofSeconds(60));

            assertThat(early.getMessage()).contains(host.name(), "REQUESTED", "not answered").doesNotContain(BLAME);
            assertThat(outcome.state()).isEqualTo(HostState.FAILED);
            assertThat(outcome.lastSeen()).contains(host.name()).doesNotContain(BLAME);
        } finally {
            control.restoreLink();
        }
    }

    @Test
    void aClassEndingRightAfterSshdDiedUnderItsRebootAskDoesNotWaitTheRebootsUpTimeout() {
        HostLease own = pool.lease("a class whose host's sshd dies under its reboot ask", List.of(new RoleDeclaration("node", 1, 1)));
        try {
            Host host = own.cluster().hosts().get(0);
            Reboot reboot = host.reboot(RebootOptions.defaults().withUpTimeout(Duration.ofMinutes(2)));
            LabControl.of(host).killSshd(); // as the fault matrix does: the ask may die with its session
            // the lost session reads as the host going down; sshd is back a second later, on the old boot
            await().atMost(Duration.ofSeconds(30)).until(() -> reboot.state() != HostState.REQUESTED
                    && reboot.state() != HostState.PREPARING);
            HostState then = reboot.state();
            long start = System.nanoTime();

            own.close();

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("the class's end, with the reboot " + then).isLessThan(Duration.ofSeconds(30));
        } finally {
            own.close();
        }
    }

    @Test
    void rightAfterCancelTheRebootReadsCancelled() {
        Host host = hosts.get(1);
        HostControl control = RebootMachineIT.control(host);
        try (HostEvents.Subscription off = pool.events().subscribe(e -> {
            if (e.host().equals(host.name()) && e.to() == HostState.DOWN) {
                control.powerOff();
            }
        })) {
            Reboot reboot = host.reboot(RebootOptions.defaults().withUpTimeout(Duration.ofSeconds(60)));
            await().atMost(Duration.ofSeconds(30)).until(() -> reboot.state() == HostState.DOWN);

            reboot.cancel();

            assertThat(reboot.state()).isEqualTo(HostState.CANCELLED);
            assertThat(reboot.awaitOutcome(Duration.ofSeconds(30)).state()).isEqualTo(HostState.CANCELLED);
        } finally {
            control.powerOn();
        }
    }
}
