package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the class's end logs about what is still running on its hosts: a process the class started
 * and left to its end ({@code Host.start}, {@code Host.startDetached}, the README's way) is ended
 * with an INFO line, no WARN; what the class was still waiting on (an exec in flight) is cancelled
 * with a WARN; a detached process that exited unseen is cleaned up without either. On embedded
 * hosts, whose processes run on this machine, so that what is left is seen in the process table.
 */
class DetachedProcessAtClassEndIT {

    @Test
    void processesLeftRunningToTheClassEndAreEndedAtInfoWhileAnExecStillRunningIsWarnedAbout() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String ended;
        String detached;
        String attached;
        AtomicReference<Throwable> execFailure = new AtomicReference<>();
        Thread waiting;
        try (HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "embedded")))) {
            HostLease lease = pool.lease(DetachedProcessAtClassEndIT.class.getName(),
                    List.of(new RoleDeclaration("node", 1, 1)));
            Host host = lease.cluster().hosts().get(0);
            HostProcess quick = host.startDetached(Command.of("true"));
            HostProcess slowDetached = host.startDetached(Command.of("sleep", "3021"));
            HostProcess slowAttached = host.start(Command.of("sleep", "3022"));
            ended = quick.id();
            detached = slowDetached.id();
            attached = slowAttached.id();
            waiting = new Thread(() -> {
                try {
                    host.execShell("sleep 3023");
                } catch (Throwable e) {
                    execFailure.set(e);
                }
            }, "waits on an exec");
            waiting.start();
            host.exec("sh", "-c", "sleep 1").assertSuccess();   // quick exits meanwhile; nobody asks
            awaitRunning("sleep 3023");
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                lease.close();
            } finally {
                System.setErr(err);
            }
            waiting.join(10_000);
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        err.print(logged);
        assertThat(logged).as("what the class left running to its end")
                .contains("INFO io.junitmultihost.engine.internal.owner.Owner - Class ["
                        + DetachedProcessAtClassEndIT.class.getName() + "] ended; ending process [" + detached
                        + "] on host [host-1], which it started and left running.")
                .contains("ending process [" + attached + "] on host [host-1], which it started and left running.")
                .doesNotContain("process [" + detached + "] on host [host-1] still running")
                .doesNotContain("process [" + attached + "] on host [host-1] still running");
        assertThat(logged).as("what the class still waited on")
                .contains("WARN io.junitmultihost.engine.internal.owner.Owner - Class ["
                        + DetachedProcessAtClassEndIT.class.getName()
                        + "] ended with a command on host [host-1] still running; cancelling it.");
        assertThat(logged).as("what had exited unseen").doesNotContain("process [" + ended + "]");
        assertThat(waiting.isAlive()).as("the exec's thread was woken").isFalse();
        assertThat(execFailure.get()).as("the exec was cancelled").isNotNull();
        assertThat(awaitGone(List.of("sleep 3021", "sleep 3022", "sleep 3023")))
                .as("left on this machine (the embedded host)").isEmpty();
    }

    private static void awaitRunning(String command) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (running(List.of(command)).isEmpty()) {
            assertThat(System.nanoTime() - end).as("[" + command + "] started within 10 s").isNegative();
            Thread.sleep(50);
        }
    }

    private static List<String> awaitGone(List<String> commands) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        List<String> left = running(commands);
        while (!left.isEmpty() && System.nanoTime() - end < 0) {
            Thread.sleep(50);
            left = running(commands);
        }
        return left;
    }

    /** The command lines on this machine that end with one of {@code commands}. */
    private static List<String> running(List<String> commands) {
        return ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(line -> commands.stream().anyMatch(line::endsWith))
                .toList();
    }
}
