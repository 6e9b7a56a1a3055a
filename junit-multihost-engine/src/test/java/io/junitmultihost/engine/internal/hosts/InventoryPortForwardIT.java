package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.PortForward;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabHost;
import io.junitmultihost.lab.LabOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwards through an inventory host that is reached only through a NAT port forward (a
 * {@link NatForwarder} in front of a lab host): a server it serves on its loopback, and a server of
 * this JVM it cannot route to, are reachable all the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InventoryPortForwardIT {

    private static final Duration STEP = Duration.ofSeconds(20);
    private Lab lab;
    private NatForwarder forwarder;
    private HostPool pool;
    private HostLease lease;
    private Host host;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        MustNotSkip.requireLab();
        lab = Lab.start(LabOptions.builder().hosts(1).maxHosts(1).build());
        LabHost behindNat = lab.hosts().get(0);
        forwarder = new NatForwarder(behindNat.address(), 22);
        String key = behindNat.knownHostsLine().substring(behindNat.knownHostsLine().indexOf(' ') + 1);
        Path knownHosts = Files.write(dir.resolve("known_hosts"), List.of("[127.0.0.1]:" + forwarder.port() + " " + key));
        Path inventory = Files.write(dir.resolve("fleet.yml"), List.of(
                "hosts:",
                "  - name: behind-nat",
                "    address: 127.0.0.1",
                "    port: " + forwarder.port(),
                "    user: root",
                "    identity: " + lab.clientKey()));
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "inventory",
                "multihost.inventory", inventory.toString(), "multihost.inventory.ssh-config", "none",
                "multihost.inventory.known-hosts", knownHosts.toString(), "multihost.exec.timeout", "20s")));
        lease = pool.lease(InventoryPortForwardIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)));
        host = lease.cluster().hosts().get(0);
    }

    @AfterAll
    void stop() throws IOException {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aLocalForwardReachesAServerTheNattedHostServesOnItsLoopback() {
        host.execShell("mkdir -p /tmp/natted && echo behind-the-nat > /tmp/natted/index.html").assertSuccess();
        HostProcess httpd = host.start(Command.of("busybox", "httpd", "-f", "-p", "127.0.0.1:8090", "-h", "/tmp/natted"));
        try (PortForward forward = host.forwardLocal(8090)) {
            Awaitility.await().atMost(STEP).ignoreExceptions()
                    .until(() -> httpGet(forward).contains("behind-the-nat"));
        } finally {
            httpd.kill();
        }
    }

    @Test
    void aRemoteForwardLetsTheNattedHostReachAServerInTheTestJvm() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                PortForward forward = host.forwardRemote(server.getLocalPort())) {
            Thread answering = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write("hello through the nat".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // closed
                }
            }, "answering-server");
            answering.setDaemon(true);
            answering.start();

            String read = host.exec(Command.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/$0; cat <&3",
                    String.valueOf(forward.port())).withDeadline(STEP)).assertSuccess().stdout();

            assertThat(read).isEqualTo("hello through the nat");
        }
    }

    private static String httpGet(PortForward forward) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(forward.address(), forward.port()), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
