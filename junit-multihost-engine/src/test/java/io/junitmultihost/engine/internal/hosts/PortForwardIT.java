package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostProcess;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.PortForward;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.testsupport.Loopback;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link Host#forwardLocal} and {@link Host#forwardRemote} on real OpenSSH hosts of the lab: to the
 * host's sshd and to a server it serves on its loopback only, from the host to a server in this
 * JVM, closed early, across a reboot, and on hosts whose sshd refuses forwarding.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortForwardIT {

    private static final Duration STEP = Duration.ofSeconds(20);
    private HostPool pool;
    private HostLease lease;
    private Host host;
    private Host refusesTcpForwarding;
    private Host disablesForwarding;
    private ServerSocket server;

    @BeforeAll
    void startLab() {
        MustNotSkip.requireLab();
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab", "multihost.lab.down-time", "1s",
                "multihost.hosts.timeout", "2m", "multihost.exec.timeout", "20s")));
        try {
            lease = pool.lease(PortForwardIT.class.getName(), List.of(new RoleDeclaration("node", 3, 3)));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        host = lease.cluster().hosts().get(0);
        refusesTcpForwarding = lease.cluster().hosts().get(1);
        disablesForwarding = lease.cluster().hosts().get(2);
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

    @BeforeEach
    void startGreetingServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread serving = new Thread(this::serveGreetings, "greeting-server");
        serving.setDaemon(true);
        serving.start();
    }

    @AfterEach
    void stopGreetingServer() throws IOException {
        server.close();
    }

    @Test
    void aLocalForwardReadsTheHostsSshBannerFromItsLoopback() throws IOException {
        try (PortForward forward = host.forwardLocal(22)) {
            assertThat(forward.isLocal()).isTrue();
            assertThat(forward.address()).isEqualTo("127.0.0.1");
            assertThat(forward.target()).isEqualTo("127.0.0.1:22");

            assertThat(banner(forward)).isEqualTo("SSH-2.0");
        }
    }

    @Test
    void aLocalForwardReachesAServerTheHostServesOnlyOnItsLoopback() throws IOException {
        host.execShell("mkdir -p /tmp/forwarded && echo served-on-loopback > /tmp/forwarded/index.html").assertSuccess();
        HostProcess httpd = host.start(Command.of("busybox", "httpd", "-f", "-p", "127.0.0.1:8089", "-h", "/tmp/forwarded"));
        try (PortForward forward = host.forwardLocal(0, "localhost", 8089, STEP)) {
            Awaitility.await().atMost(STEP).ignoreExceptions()
                    .until(() -> httpGet(forward.address(), forward.port()).contains("served-on-loopback"));

            assertThatThrownBy(() -> httpGet(host.address(), 8089)).as("not reachable from outside the host")
                    .isInstanceOf(ConnectException.class);
        } finally {
            httpd.kill();
        }
    }

    @Test
    void aRemoteForwardLetsTheHostReachAServerInTheTestJvm() {
        try (PortForward forward = host.forwardRemote(server.getLocalPort())) {
            assertThat(forward.isLocal()).isFalse();
            assertThat(forward.port()).isBetween(20000, 31999);

            assertThat(greetingThrough(forward)).isEqualTo("hello host-side");
        }
    }

    @Test
    void aForwardClosedEarlyNoLongerListensAndClosingItAgainDoesNothing() throws IOException {
        PortForward local = host.forwardLocal(22);
        PortForward remote = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), STEP);
        int localPort = local.port();
        int remotePort = remote.port();

        local.close();
        remote.close();
        local.close();
        remote.close();

        assertThat(local.isOpen()).isFalse();
        assertThat(remote.isOpen()).isFalse();
        assertThat(Loopback.firstBytesOn(localPort)).as("port [%d] no longer reaches the host's sshd", localPort)
                .doesNotStartWith("SSH-");
        assertThat(host.execShell("ss -Htln 'sport = :" + remotePort + "'").assertSuccess().stdout()).isBlank();
    }

    @Test
    void aLocalPortThatCannotBeBoundIsNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> host.forwardLocal(taken.getLocalPort(), "127.0.0.1", 22, STEP))
                    .isInstanceOf(MultiHostException.class)
                    .hasMessageContaining("[" + taken.getLocalPort() + "]").hasMessageContaining(host.name());
        }
    }

    @Test
    void aHostPortTakenThereIsNamed() {
        try (PortForward first = host.forwardRemote(server.getLocalPort())) {
            assertThatThrownBy(() -> host.forwardRemote(first.port(), "127.0.0.1", server.getLocalPort(), STEP))
                    .isInstanceOf(MultiHostException.class)
                    .hasMessageContaining("[" + first.port() + "]").hasMessageContaining(host.name());
        }
    }

    @Test
    void forwardsKeepWorkingAfterTheHostReboots() throws IOException {
        try (PortForward local = host.forwardLocal(22);
                PortForward remote = host.forwardRemote(server.getLocalPort())) {
            String before = host.bootId();

            String after = host.awaitReboot(Duration.ofMinutes(2));

            assertThat(after).isNotEqualTo(before);
            assertThat(banner(local)).isEqualTo("SSH-2.0");
            assertThat(greetingThrough(remote)).isEqualTo("hello host-side");
        }
    }

    @Test
    void forwardsKeepWorkingOnTheirPortsAfterTheConnectionWasLostAndMadeAgain() throws IOException {
        try (PortForward local = host.forwardLocal(22);
                PortForward remote = host.forwardRemote(server.getLocalPort())) {
            int localPort = local.port();
            int remotePort = remote.port();

            reconnectAfterACutLink(host);

            assertThat(banner(local)).isEqualTo("SSH-2.0");
            // the lost connection's sshd session held the remote port; the reconnect made it let go
            assertThat(greetingThrough(remote)).isEqualTo("hello host-side");
            assertThat(local.port()).isEqualTo(localPort);
            assertThat(remote.port()).isEqualTo(remotePort);
        }
    }

    @Test
    void aHostWhoseSshdSaysAllowTcpForwardingNoFailsBothForwardsNamingHostForwardAndSetting() {
        refuseForwarding(refusesTcpForwarding, "AllowTcpForwarding no");

        assertTheForwardsAreRefused(refusesTcpForwarding);
    }

    @Test
    void aHostWhoseSshdSaysDisableForwardingYesFailsBothForwardsNamingHostForwardAndSetting() {
        refuseForwarding(disablesForwarding, "DisableForwarding yes");

        assertTheForwardsAreRefused(disablesForwarding);
    }

    private void assertTheForwardsAreRefused(Host refusing) {
        Instant start = Instant.now();
        assertThatThrownBy(() -> refusing.forwardLocal(0, "127.0.0.1", 22, STEP))
                .isInstanceOf(MultiHostException.class).hasMessageContaining(refusing.name())
                .hasMessageContaining("local forward").hasMessageContaining("-> 127.0.0.1:22")
                .hasMessageContaining("AllowTcpForwarding").hasMessageContaining("DisableForwarding");
        assertThatThrownBy(() -> refusing.forwardRemote(server.getLocalPort()))
                .isInstanceOf(MultiHostException.class).hasMessageContaining(refusing.name())
                .hasMessageContaining("remote forward").hasMessageContaining("-> 127.0.0.1:" + server.getLocalPort())
                .hasMessageContaining("AllowTcpForwarding").hasMessageContaining("DisableForwarding");
        assertThat(Duration.between(start, Instant.now())).as("both refusals, against a deadline of %s", STEP)
                .isLessThan(Duration.ofSeconds(5));
    }

    /** Appends {@code setting} to the host's sshd_config, restarts its sshd and reconnects (the old connection keeps its old settings). */
    private static void refuseForwarding(Host refusing, String setting) {
        // the lab's init starts sshd again with the new config
        refusing.execShell("grep -qx '" + setting + "' /run/multihost-lab/sshd_config || { echo '" + setting
                + "' >> /run/multihost-lab/sshd_config && kill $(cat /run/sshd.pid); }").assertSuccess();
        reconnectAfterACutLink(refusing);
    }

    /** Cuts the host's link until a call finds the connection dead and drops it, restores it and reconnects. */
    private static void reconnectAfterACutLink(Host host) {
        RebootMachineIT.control(host).cutLink();
        org.assertj.core.api.Assertions.catchThrowable(() -> host.exec(Command.shell("true")
                .withDeadline(Duration.ofSeconds(3))));
        RebootMachineIT.control(host).restoreLink();
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> host.exec(Command.shell("true").withDeadline(STEP)).exitCode() == 0);
    }

    /** The first 7 bytes read through a local forward. */
    private static String banner(PortForward forward) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(forward.address(), forward.port()), 5000);
            socket.setSoTimeout(10_000);
            byte[] banner = socket.getInputStream().readNBytes(7);
            return new String(banner, StandardCharsets.US_ASCII);
        }
    }

    private static String httpGet(String address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** What the greeting server says to the host through a remote forward, via bash's /dev/tcp. */
    private String greetingThrough(PortForward forward) {
        return forward.host().exec(Command.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/$0; printf host-side >&3; cat <&3",
                String.valueOf(forward.port())).withDeadline(STEP)).assertSuccess().stdout();
    }

    /** A loopback server in this JVM: answers each connection with "hello <what it read>". */
    private void serveGreetings() {
        ServerSocket listening = server;
        while (!listening.isClosed()) {
            try (Socket socket = listening.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[100];
                int n = in.read(buffer);
                socket.getOutputStream().write(("hello " + new String(buffer, 0, Math.max(0, n), StandardCharsets.UTF_8)
                        .trim()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // closed
            }
        }
    }
}
