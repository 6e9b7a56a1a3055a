package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.PortForward;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link Host#forwardLocal} and {@link Host#forwardRemote} on an embedded host (Apache MINA SSHD,
 * whose forwarding filter allows both on loopback), to and from a server in this JVM, and across a
 * reboot of the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedPortForwardIT {

    private static final Duration STEP = Duration.ofSeconds(20);
    private HostPool pool;
    private HostLease lease;
    private Host host;
    private ServerSocket server;

    @BeforeAll
    void leaseAHost() throws IOException {
        pool = HostPool.create(HostSettings.from(Map.of("multihost.exec.timeout", "20s",
                "multihost.embedded.reboot-down-time", "500ms")));
        lease = pool.lease(EmbeddedPortForwardIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)));
        host = lease.cluster().hosts().get(0);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread serving = new Thread(this::serveGreetings, "greeting-server");
        serving.setDaemon(true);
        serving.start();
    }

    @AfterAll
    void returnIt() throws IOException {
        server.close();
        lease.close();
        pool.close();
    }

    @Test
    void aLocalForwardReachesAServerThroughTheEmbeddedHost() throws IOException {
        try (PortForward forward = host.forwardLocal(server.getLocalPort())) {
            assertThat(greetingThroughLocal(forward)).isEqualTo("hello test-side");
        }
    }

    @Test
    void aRemoteForwardLetsTheEmbeddedHostReachAServerInTheTestJvm() {
        try (PortForward forward = host.forwardRemote(server.getLocalPort())) {
            assertThat(greetingThroughRemote(forward)).isEqualTo("hello host-side");
        }
    }

    @Test
    void forwardsKeepWorkingAfterTheEmbeddedHostReboots() throws IOException {
        try (PortForward local = host.forwardLocal(server.getLocalPort());
                PortForward remote = host.forwardRemote(server.getLocalPort())) {
            host.awaitReboot(Duration.ofSeconds(60));

            assertThat(greetingThroughLocal(local)).isEqualTo("hello test-side");
            assertThat(greetingThroughRemote(remote)).isEqualTo("hello host-side");
        }
    }

    private static String greetingThroughLocal(PortForward forward) throws IOException {
        try (Socket socket = new Socket(forward.address(), forward.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("test-side".getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String greetingThroughRemote(PortForward forward) {
        return forward.host().exec(Command.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/$0; printf host-side >&3; cat <&3",
                String.valueOf(forward.port())).withDeadline(STEP)).assertSuccess().stdout();
    }

    /** A loopback server in this JVM: answers each connection with "hello <what it read>". */
    private void serveGreetings() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                byte[] buffer = new byte[100];
                int n = socket.getInputStream().read(buffer);
                socket.getOutputStream().write(("hello " + new String(buffer, 0, Math.max(0, n), StandardCharsets.UTF_8)
                        .trim()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // closed
            }
        }
    }
}
