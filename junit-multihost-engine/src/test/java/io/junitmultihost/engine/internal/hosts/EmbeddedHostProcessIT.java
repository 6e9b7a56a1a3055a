package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.CommandTimeoutException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.ProcessEnd;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Processes started on embedded hosts (as root each host's commands run in a PID namespace of its
 * own): signals, stops and kills reach the whole process group, and the class's end and an exec's
 * deadline end them, checked from outside the host, in this machine's own {@code /proc}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedHostProcessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How soon a process must be seen stopped, running again or gone from this machine. */
    private static final Duration SOON = Duration.ofSeconds(2);

    private HostPool pool;
    private HostLease lease;
    private Host host;

    @BeforeAll
    void startHosts() {
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "embedded")));
        lease = pool.lease(EmbeddedHostProcessIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)));
        host = lease.cluster().hosts().get(0);
    }

    @AfterAll
    void closeHosts() {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aStartedProcessLeadsItsOwnProcessGroupAsTheHostSeesIt() {
        HostProcess process = host.start("sleep", "7301");

        String stat = host.exec("cat", "/proc/" + process.pid() + "/stat").assertSuccess().stdout();
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
        assertThat(fields[2]).as("its process group on the host").isEqualTo(Long.toString(process.pid()));
        process.kill();
    }

    @Test
    void stopContinueAndTermReachTheProcessCheckedFromThisMachine() {
        HostProcess process = host.start("sleep", "7302");
        long pid = await().atMost(WAIT).until(() -> running("sleep", "7302"), l -> l.size() == 1).get(0);

        process.signal("STOP");
        await().atMost(SOON).until(() -> state(pid), "T"::equals);
        process.signal("CONT");
        await().atMost(SOON).until(() -> state(pid), s -> !s.equals("T"));
        process.signal("TERM");

        assertThat(process.waitFor(SOON).exitCode()).isEqualTo(143);
        assertThat(running("sleep", "7302")).isEmpty();
    }

    @Test
    void killEndsTheWholeTreeEvenStoppedCheckedFromThisMachine() {
        HostProcess process = host.start(Command.shell("sleep 7303 & sleep 7304 & wait"));
        await().atMost(WAIT).until(() -> running("sleep", "7303").size() + running("sleep", "7304").size() == 2);
        process.signal("STOP");
        await().atMost(SOON).until(() -> running("sleep", "7303").stream().map(EmbeddedHostProcessIT::state).toList(),
                s -> s.equals(List.of("T")));

        process.kill();

        assertThat(process.isAlive()).isFalse();
        assertThat(process.end()).get().extracting(ProcessEnd::reason).isEqualTo(ProcessEnd.Reason.KILLED);
        assertThat(running("sleep", "7303")).isEmpty();
        assertThat(running("sleep", "7304")).isEmpty();
    }

    @Test
    void theClassEndingStopsWhatItStartedEvenStoppedOnesCheckedFromThisMachine() {
        HostLease second = pool.lease("second", List.of(new RoleDeclaration("node", 1, 1)));
        Host other = second.cluster().hosts().get(0);
        other.start("sleep", "7305");
        HostProcess stopped = other.start(Command.shell("sleep 7306 & wait"));
        HostProcess resumed = other.start("sleep", "7307");
        await().atMost(WAIT).until(() -> running("sleep", "7305").size() + running("sleep", "7306").size()
                + running("sleep", "7307").size() == 3);
        stopped.signal("STOP");
        resumed.signal("STOP");
        resumed.signal("CONT");

        second.close();

        await().atMost(SOON).until(() -> running("sleep", "7305").isEmpty() && running("sleep", "7306").isEmpty()
                && running("sleep", "7307").isEmpty());
    }

    @Test
    void anExecPastItsDeadlineIsEndedWithItsWholeTreeCheckedFromThisMachine() {
        assertThatThrownBy(() -> host.exec(Command.shell("sleep 7308 & sleep 7309; wait").withDeadline(Duration.ofSeconds(1))))
                .isInstanceOf(CommandTimeoutException.class);

        await().atMost(SOON).until(() -> running("sleep", "7308").isEmpty() && running("sleep", "7309").isEmpty());
    }

    /** The pids of this machine's live processes whose command line is exactly {@code argv}. */
    private static List<Long> running(String... argv) {
        byte[] wanted = (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8);
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                try {
                    if (java.util.Arrays.equals(Files.readAllBytes(dir.resolve("cmdline")), wanted)
                            && !state(Long.parseLong(dir.getFileName().toString())).equals("Z")) {
                        found.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    /** The state letter of process {@code pid} on this machine ({@code R}, {@code S}, {@code T}...), {@code Z} once gone. */
    private static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException gone) {
            return "Z";
        }
    }
}
