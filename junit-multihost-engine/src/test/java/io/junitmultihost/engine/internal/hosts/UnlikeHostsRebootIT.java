package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reboots of lab hosts made unlike ours, as busybox systems and appliances are: no {@code nohup},
 * a reboot command that does not exist or fails, a retry that then hangs. Each failure is named at
 * once, not at the down timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnlikeHostsRebootIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final RebootOptions QUICK = RebootOptions.defaults().withDownTimeout(Duration.ofSeconds(60))
            .withUpTimeout(Duration.ofSeconds(90));

    private HostPool pool;
    private HostLease lease;
    private List<Host> hosts;

    @BeforeAll
    void startLab() {
        MustNotSkip.requireLab();
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab", "multihost.lab.hosts", "5",
                "multihost.lab.max-hosts", "5", "multihost.lab.down-time", "1s")));
        lease = pool.lease(UnlikeHostsRebootIT.class.getName(), List.of(new RoleDeclaration("node", 5, 5)));
        Cluster cluster = lease.cluster();
        hosts = cluster.hosts();
    }

    @AfterAll
    void stopLab() {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aHostWithoutNohupRebootsAsAsked() {
        Host host = hosts.get(0);
        // Hidden in this boot's mount namespace only: the next boot has nohup again.
        host.execShell("for n in $(command -v nohup) /usr/bin/nohup /bin/nohup; do [ -e \"$n\" ] && mount --bind"
                + " /dev/null \"$n\"; done; ! nohup true").assertSuccess();

        Reboot reboot = host.reboot(QUICK);

        assertThat(reboot.awaitUp(WAIT)).isNotEqualTo(reboot.oldBootId());
    }

    @Test
    void aRebootCommandThatDoesNotExistFailsAtOnceWithItsError() {
        Host host = hosts.get(1);
        Instant start = Instant.now();

        Reboot reboot = host.reboot(QUICK.withCommand("no-such-reboot-command --now"));

        assertThatThrownBy(() -> reboot.awaitUp(WAIT)).isInstanceOf(RebootException.class)
                .hasMessageContaining("Host [" + host.name() + "]")
                .hasMessageContaining("[no-such-reboot-command --now]")
                .hasMessageContaining("exit [127]")
                .hasMessageContaining("not found")
                .as("the console: the host did not go down, so it tells nothing of this").hasMessageNotContaining("console");
        assertThat(Duration.between(start, Instant.now())).as("named at once, not at the 60 s down timeout")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(reboot.awaitOutcome(Duration.ZERO).state()).isEqualTo(HostState.FAILED);
    }

    @Test
    void aRebootCommandThatFailsIsReportedWithItsStderr() {
        Host host = hosts.get(2);

        Reboot reboot = host.reboot(QUICK.withCommand("echo 'reboot: Operation not permitted' >&2; exit 1"));

        assertThatThrownBy(() -> reboot.awaitUp(Duration.ofSeconds(20))).isInstanceOf(RebootException.class)
                .hasMessageContaining("exit [1]")
                .hasMessageContaining("reboot: Operation not permitted")
                .as("the console: the host did not go down, so it tells nothing of this").hasMessageNotContaining("console");
    }

    @Test
    void aRebootCommandThatDoesNothingFailsAtTheDownTimeoutQuotingTheConsole() {
        Host host = hosts.get(4);

        Reboot reboot = host.reboot(QUICK.withCommand("true").withDownTimeout(Duration.ofSeconds(3)));

        assertThatThrownBy(() -> reboot.awaitUp(Duration.ofSeconds(30))).isInstanceOf(RebootException.class)
                .hasMessageContaining("Host [" + host.name() + "] did not go down within [3 s]")
                .as("waited for, the host's console may say why").hasMessageContaining(" Last lines of its console:\n  ");
    }

    @Test
    void aTimeoutDuringARetrySaysTheAttemptWhyTheLastWasRejectedAndThePhase() {
        Host host = hosts.get(3);
        // Reboots the first time only; the retry's request then does nothing.
        String onceOnly = "if [ -e /root/.rebooted-once ]; then true; else touch /root/.rebooted-once; reboot; fi";
        Reboot reboot = host.reboot(QUICK.withCommand(onceOnly).withMagic(true).withMaxRetries(1).withPrepare((h, attempt) ->
                h.execShell("printf 'BOOT_IMAGE=/boot/vmlinuz-stale root=/dev/lab ro\\n' > \"$MULTIHOST_NEXT_CMDLINE\"")
                        .assertSuccess()));
        try {
            assertThatThrownBy(() -> reboot.awaitUp(Duration.ofSeconds(25))).isInstanceOf(RebootException.class)
                    .hasMessageContaining("attempt [2] of [2]")
                    .hasMessageContaining("attempt [1] was rejected: it came back with the kernel command line"
                            + " [BOOT_IMAGE=/boot/vmlinuz-stale root=/dev/lab ro] without this boot's magic")
                    .hasMessageContaining("phase [REQUESTED: waiting for the host to go down]")
                    .hasMessageNotContaining("old boot id was [" + reboot.oldBootId() + "]");
        } finally {
            reboot.cancel();
            host.execShell("rm -f /root/.rebooted-once");
        }
    }
}
