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
import org.junit.jupiter.api.Test;

/**
 * A detached process's end is seen only when someone asks; the class's end asks before it warns,
 * so a process that exited unseen (the README's RollingTest: an mh-sync call that met its
 * syncpoint, then a reboot) is cleaned up without a WARN saying it was still running. On
 * embedded hosts.
 */
class DetachedProcessAtClassEndIT {

    @Test
    void aDetachedProcessThatEndedUnseenIsCleanedUpWithoutAWarningWhileOneStillRunningIsWarnedAbout() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String ended;
        String running;
        try (HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "embedded")))) {
            HostLease lease = pool.lease(DetachedProcessAtClassEndIT.class.getName(),
                    List.of(new RoleDeclaration("node", 1, 1)));
            Host host = lease.cluster().hosts().get(0);
            HostProcess quick = host.startDetached(Command.of("true"));
            HostProcess slow = host.startDetached(Command.of("sleep", "60"));
            ended = quick.id();
            running = slow.id();
            host.exec("sh", "-c", "sleep 1").assertSuccess();   // quick exits meanwhile; nobody asks
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                lease.close();
            } finally {
                System.setErr(err);
            }
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        err.print(logged);
        assertThat(logged).contains("process [" + running + "] on host [host-1] still running; cancelling it.");
        assertThat(logged).doesNotContain("process [" + ended + "] on host [host-1] still running");
    }
}
