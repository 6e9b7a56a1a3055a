package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.PortForward;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.spi.LinkControl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Forwards through a QEMU guest (qemu provider), which the test JVM reaches only through QEMU's
 * own port forward to its sshd: the guest's loopback from here, and this JVM from the guest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuPortForwardIT {

    private static final Duration STEP = Duration.ofSeconds(30);
    private HostPool pool;
    private HostLease lease;
    private Host guest;

    @BeforeAll
    void startVm() {
        MustNotSkip.requireQemu();
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "qemu", "multihost.qemu.max-hosts", "1",
                "multihost.hosts.timeout", "5m", "multihost.exec.timeout", "30s")));
        try {
            lease = pool.lease(QemuPortForwardIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        guest = lease.cluster().hosts().get(0);
    }

    @AfterAll
    void stopVm() {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aLocalForwardReadsTheGuestsSshBannerFromItsLoopback() throws IOException {
        try (PortForward forward = guest.forwardLocal(22);
                Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(forward.address(), forward.port()), 5000);
            socket.setSoTimeout(10_000);

            assertThat(new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0");
        }
    }

    @Test
    void aRemoteForwardLetsTheGuestReachAServerInTheTestJvm() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                PortForward forward = guest.forwardRemote(server.getLocalPort())) {
            Thread answering = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write("hello guest".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // closed
                }
            }, "answering-server");
            answering.setDaemon(true);
            answering.start();

            String read = guest.exec(Command.of("busybox", "nc", "127.0.0.1", String.valueOf(forward.port()))
                    .withStdin("").withDeadline(STEP)).assertSuccess().stdout();

            assertThat(read).isEqualTo("hello guest");
        }
    }

    /**
     * Behind QEMU's NAT the guest's sshd sees the lost connection as one from QEMU itself, which
     * ends it once the link is back: the forward has its port again, and no session of the lost
     * connection is left holding it (on the lab the engine has to make that session notice, CutLinkIT).
     */
    @Test
    void aRemoteForwardKeepsItsPortAfterTheGuestsLinkWasPulledAndNoOldSessionHoldsIt() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                PortForward forward = guest.forwardRemote(server.getLocalPort())) {
            int before = forward.port();
            LinkControl links = RebootMachineIT.control(guest).linkControl().orElseThrow();
            try (LinkControl.Cut cut = links.cut(Set.of(LinkControl.Link.TEST_JVM), Duration.ofMinutes(2))) {
                // a call on the pulled link finds the connection dead and drops it
                org.assertj.core.api.Assertions.catchThrowable(() -> guest.exec(Command.shell("true")
                        .withDeadline(Duration.ofSeconds(5))));
            }
            Awaitility.await().atMost(STEP).ignoreExceptions()
                    .until(() -> guest.exec(Command.shell("true").withDeadline(STEP)).exitCode() == 0);

            assertThat(forward.port()).isEqualTo(before);
            assertThat(guest.execShell("busybox netstat -tln | grep ':" + before + " '").assertSuccess().stdout().strip().lines())
                    .as("listeners on the forward's port").hasSize(1);
        }
    }
}
