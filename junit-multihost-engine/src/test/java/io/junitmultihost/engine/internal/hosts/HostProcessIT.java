package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.CommandTimeoutException;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.ProcessEnd;
import io.junitmultihost.api.ProcessLostException;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Processes started on real OpenSSH lab hosts (TETware's remexec, remwait and remkill): output
 * streamed as it comes, waits, signals and kills of whole process groups checked from the host,
 * detached processes across a dropped connection, and both kinds ended by a reboot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostProcessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private HostPool pool;
    private HostLease lease;
    private Host host;

    @BeforeAll
    void startLab() {
        MustNotSkip.requireLab();
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab", "multihost.lab.down-time", "1s")));
        lease = pool.lease(HostProcessIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)));
        host = lease.cluster().hosts().get(0);
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
    void linesArriveWhileTheProcessRunsAndWaitForGivesItsResult() {
        List<HostProcess.Line> seen = new CopyOnWriteArrayList<>();
        HostProcess process = host.start(Command.shell("echo ready; echo warn >&2; sleep 1; echo done; exit 3"), seen::add);

        await().atMost(WAIT).until(() -> seen.contains(new HostProcess.Line(HostProcess.Stream.STDOUT, "ready")));
        assertThat(process.isAlive()).as("still running when its first line arrived").isTrue();
        assertThat(process.pid()).isGreaterThan(1);

        ExecResult result = process.waitFor(WAIT);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("ready\ndone\n");
        assertThat(result.stderr()).isEqualTo("warn\n");
        assertThat(process.output()).extracting(HostProcess.Line::text).contains("ready", "warn", "done");
        assertThat(process.end()).get().extracting(ProcessEnd::reason).isEqualTo(ProcessEnd.Reason.EXITED);
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void argumentsAreQuotedByTheLibrary() {
        HostProcess process = host.start("printf", "%s|", "a b", "$HOME", "'q'");

        assertThat(process.waitFor(WAIT).stdout()).isEqualTo("a b|$HOME|'q'|");
    }

    @Test
    void aDetachedProcessGetsQuoteHeavyArgumentsVerbatimQuotedOnce() {
        String quotes = "'".repeat(20_000);

        HostProcess process = host.startDetached(Command.of("printf", "%s", quotes));

        assertThat(process.waitFor(WAIT).stdout()).isEqualTo(quotes);
    }

    @Test
    void waitingPastTheDeadlineLeavesTheProcessRunningAndKillEndsItsWholeGroup() {
        HostProcess process = host.start(Command.shell("sleep 301 & sleep 302 & wait"));

        assertThatThrownBy(() -> process.waitFor(Duration.ofMillis(300)))
                .isInstanceOf(CommandTimeoutException.class)
                .hasMessageContaining("still runs after [300 ms]; it was left running");
        assertThat(process.isAlive()).isTrue();
        assertThat(groupMembers(process)).as("the shell and both sleeps").hasSizeGreaterThanOrEqualTo(3);

        process.kill();

        assertThat(process.isAlive()).isFalse();
        assertThat(groupMembers(process)).as("checked on the host").isEmpty();
        assertThat(host.exec("sh", "-c", "ps -eo args | grep -c '^sleep 30[12]' || true").stdout().strip())
                .isEqualTo("0");
        assertThat(process.end()).get().extracting(ProcessEnd::reason).isEqualTo(ProcessEnd.Reason.KILLED);
    }

    @Test
    void aSignalReachesTheProcessWhichMayHandleIt() {
        List<HostProcess.Line> seen = new CopyOnWriteArrayList<>();
        HostProcess process = host.start(Command.shell("trap 'echo got-usr1; exit 7' USR1; echo armed;"
                + " while :; do sleep 0.1; done"), seen::add);
        await().atMost(WAIT).until(() -> seen.stream().anyMatch(l -> l.text().equals("armed")));

        process.signal("SIGUSR1");

        ExecResult result = process.waitFor(WAIT);
        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.stdout()).contains("got-usr1");
        assertThatThrownBy(() -> process.signal("USR1; reboot"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a signal name");
    }

    @Test
    void aDetachedProcessOutlivesItsConnectionIgnoresHangUpAndIsFoundAgainById() {
        HostProcess process = host.startDetached(Command.shell("echo started; exec sleep 303"));
        String id = process.id();

        dropSshSessions();
        process.signal("HUP");

        HostProcess found = host.process(id);
        assertThat(found.isAlive()).isTrue();
        assertThat(found.pid()).isEqualTo(process.pid());
        assertThat(found.command()).isEqualTo("echo started; exec sleep 303");
        assertThat(found.output()).extracting(HostProcess.Line::text).containsExactly("started");

        found.signal("TERM");

        ExecResult result = found.waitFor(WAIT);
        assertThat(result.exitCode()).as("ended by TERM, its status kept by the wrapper").isEqualTo(143);
        assertThat(result.stdout()).isEqualTo("started\n");
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void anUnknownDetachedIdIsAClearError() {
        assertThatThrownBy(() -> host.process("p000000000000"))
                .isInstanceOf(MultiHostException.class).hasMessageContaining("has no detached process [p000000000000]");
        assertThatThrownBy(() -> host.process("../etc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not the id of a detached process");
    }

    /**
     * A process whose connection is lost before the process's own deadline, on a host that then
     * does not answer: waitFor fails by that deadline, not a whole connect timeout later. Asking the
     * host for its boot id (a reboot, or a lost connection?) gets what is left of the deadline; the
     * fault matrix saw 14.2 s for 10 s with the host powered off. Here the host's sshd listener is
     * stopped (connections are accepted, no banner comes) and the connection's sshd killed, so the
     * loss is seen at once and every reconnect waits.
     */
    @Test
    void aProcessLostWithItsConnectionFailsItsWaitByItsOwnDeadlineWhileTheHostDoesNotAnswer() {
        HostProcess process = host.start(Command.of("sleep", "307").withDeadline(Duration.ofSeconds(5)));
        long started = System.nanoTime();
        LabControl lab = LabControl.of(host);
        try {
            org.assertj.core.api.Assertions.catchThrowable(() -> host.execShell(
                    "kill -STOP $(cat /run/sshd.pid) && pkill -KILL -f 'sshd: root'"));

            assertThatThrownBy(() -> process.waitFor(WAIT)).isInstanceOf(ProcessLostException.class)
                    .hasMessageContaining(host.name());
            // a read of the boot id under the connect timeout took 10 s
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the wait, for a deadline of 5 s")
                    .isLessThan(Duration.ofSeconds(8));
        } finally {
            lab.crash(); // and boot again: its sshd listener is stopped
            lab.powerOn(WAIT);
        }
    }

    @Test
    void aRebootEndsBothKindsAndTheHandlesSaySoWithTheBootIds() {
        String before = host.bootId();
        HostProcess attached = host.start("sleep", "304");
        HostProcess detached = host.startDetached(Command.of("sleep", "305"));

        String after = host.reboot().awaitUp(Duration.ofMinutes(2));
        assertThatThrownBy(() -> attached.waitFor(WAIT)).isInstanceOf(ProcessLostException.class)
                .hasMessageContaining("ended by a reboot of its host (boot id [" + before + "] -> [" + after + "])");
        assertThatThrownBy(() -> detached.waitFor(WAIT)).isInstanceOf(ProcessLostException.class)
                .hasMessageContaining("ended by a reboot of its host (boot id [" + before + "] -> [" + after + "])");
        assertThat(detached.isAlive()).isFalse();
        assertThat(detached.end()).get().satisfies(end -> {
            assertThat(end.reason()).isEqualTo(ProcessEnd.Reason.REBOOT);
            assertThat(end.bootIdAtStart()).isEqualTo(before);
            assertThat(end.bootIdNow()).contains(after);
        });
    }

    @Test
    void theClassEndingKillsWhatItStartedCheckedFromTheHost() {
        HostLease second = pool.lease("second", List.of(new RoleDeclaration("node", 1, 1)));
        Host other = second.cluster().hosts().get(0);
        HostProcess attached = other.start("sleep", "306");
        HostProcess detached = other.startDetached(Command.of("sleep", "307"));
        String id = detached.id();

        second.close();

        assertThat(attached.isAlive()).isFalse();
        try (HostLease checker = pool.lease("checker", List.of(new RoleDeclaration("node", 1, 1)))) {
            Host same = checker.cluster().hosts().get(0);
            assertThat(same.name()).isEqualTo(other.name());
            assertThat(same.exec("sh", "-c", "ps -eo args | grep -c '^sleep 30[67]' || true").stdout().strip())
                    .as("no sleep of the ended class on the host").isEqualTo("0");
            assertThat(same.exec("sh", "-c", "test -e ~/.junit-multihost/processes/" + id + " && echo kept || echo removed")
                    .stdout().strip()).isEqualTo("removed");
        }
        assertThatThrownBy(() -> other.start("true")).as("the ended class starts nothing more")
                .isInstanceOf(MultiHostException.class).hasMessageContaining("has ended");
    }

    private List<String> groupMembers(HostProcess process) {
        return host.exec("sh", "-c", "ps -eo pgid=,pid=,args= | awk '$1 == " + process.pid() + "'").stdout().lines()
                .filter(l -> !l.isBlank()).toList();
    }

    /** Ends every sshd session process on the host (the listener stays): our pooled connection drops. */
    private void dropSshSessions() {
        try {
            host.exec(Command.shell("setsid sh -c 'sleep 0.2; pkill -f \"^sshd: root\"' > /dev/null 2>&1 < /dev/null &"));
        } catch (MultiHostException raced) {
            // the kill may beat the answer
        }
        await().atMost(WAIT).pollDelay(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> host.exec("true").succeeded());
    }
}
