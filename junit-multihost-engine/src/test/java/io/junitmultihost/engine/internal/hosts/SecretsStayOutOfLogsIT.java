package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Command lines can hold secrets passed as arguments: the engine's INFO and WARN lines name the
 * process and the host, never the command (that is logged at DEBUG only). On embedded hosts.
 */
class SecretsStayOutOfLogsIT {

    @Test
    void processesKilledAtTheClassEndAreLoggedWithoutTheirCommandLines() {
        String secret = "hunter2-" + System.nanoTime();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "embedded")))) {
            HostLease lease = pool.lease(SecretsStayOutOfLogsIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)));
            Host host = lease.cluster().hosts().get(0);
            host.start(Command.of("sh", "-c", "sleep 60", "--password=" + secret));
            host.startDetached(Command.of("sh", "-c", "sleep 60", "--password=" + secret));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                lease.close();
            } finally {
                System.setErr(err);
            }
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        err.print(logged);
        assertThat(logged).as("the class end names what it ends").contains("which it started and left running");
        assertThat(logged).doesNotContain(secret);
    }
}
