package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.ssh.fixtures.LocalSshd;
import io.junitmultihost.testsupport.Loopback;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwardingIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private SshPool pool;
    private SshHost host;
    private ServerSocket server;
    private Thread serverThread;

    @BeforeEach
    void start() throws IOException {
        pool = SshPool.create();
        host = pool.host(LocalSshd.shared().target("forward-host"));
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serverThread = new Thread(this::serveGreetings, "greeting-server");
        serverThread.setDaemon(true);
        serverThread.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        pool.close();
    }

    /** A loopback server in this JVM: answers each connection with "hello <what it read>". */
    private void serveGreetings() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[100];
                int n = in.read(buffer);
                OutputStream out = socket.getOutputStream();
                out.write(("hello " + new String(buffer, 0, Math.max(0, n), StandardCharsets.UTF_8).trim())
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // closed
            }
        }
    }

    @Test
    void aLoopbackServerInTheTestJvmIsReachableFromTheHostThroughARemoteForward() {
        try (PortForward forward = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), DEADLINE)) {
            assertThat(forward.port()).isPositive();

            assertTheHostReachesTheGreetingServerThrough(forward);
        }
    }

    private void assertTheHostReachesTheGreetingServerThrough(PortForward forward) {
        RemoteResult result = host.exec(RemoteCommand.argv("bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/$0; printf host >&3; cat <&3", String.valueOf(forward.port())), DEADLINE);

        assertThat(result.stdoutText()).as(result.stderrText()).isEqualTo("hello host");
    }

    @Test
    void twoRemoteForwardsOnAnyPortLiveSideBySideOnOneConnection() {
        try (PortForward one = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), DEADLINE);
                PortForward two = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), DEADLINE)) {
            assertThat(one.port()).isPositive().isNotEqualTo(two.port());

            assertTheHostReachesTheGreetingServerThrough(one);
            assertTheHostReachesTheGreetingServerThrough(two);
        }
    }

    @Test
    void settingUpRemoteForwardsNeverLeavesTheCallingThreadInterrupted() throws InterruptedException {
        // JSch wakes the requesting thread with an interrupt that can land after the request returned
        for (int i = 0; i < 200; i++) {
            try (PortForward forward = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), DEADLINE)) {
                assertThat(forward.port()).isPositive();
            }
            Thread.sleep(2);

            assertThat(Thread.currentThread().isInterrupted()).as("interrupted after forward %d", i).isFalse();
        }
    }

    @Test
    void aLocalForwardListensOnTheLocalPortAskedFor() throws IOException {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        try (PortForward forward = host.forwardLocal(free, "127.0.0.1", server.getLocalPort(), DEADLINE);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), free)) {
            socket.getOutputStream().write("test".getBytes(StandardCharsets.UTF_8));

            assertThat(forward.port()).isEqualTo(free);
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello test");
        }
    }

    @Test
    void aPortOnTheHostIsReachableFromTheTestJvmThroughALocalForward() throws IOException {
        try (PortForward forward = host.forwardLocal("127.0.0.1", LocalSshd.shared().port(), DEADLINE);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), forward.port())) {
            byte[] banner = new byte[7];
            int n = socket.getInputStream().readNBytes(banner, 0, banner.length);

            assertThat(new String(banner, 0, n, StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0");
        }
    }

    /**
     * A reconnect sets the forwards up again one after another; those closed meanwhile, after the
     * reconnect took them in hand, stay closed. The remote forward goes first and is held up: its old
     * port is taken (the host's loopback is this machine's), so the reconnect asks for it again and
     * again within its reclaim window. Both forwards are closed while that lasts, and the port is
     * freed, so a reconnect that still asked for it would get it.
     */
    @Test
    void forwardsClosedWhileAReconnectSetsThemUpAgainAreNotSetUpAgain() throws Exception {
        PortForward remote = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), DEADLINE);
        PortForward local = host.forwardLocal("127.0.0.1", LocalSshd.shared().port(), DEADLINE);
        int localPort = local.port();
        int remotePort = remote.port();
        host.disconnect(); // the forwards go with the session; the next call sets them up again
        try (ServerSocket squatter = bindOnceFreed(remotePort)) {
            squatter.setSoTimeout((int) DEADLINE.toMillis());
            CompletableFuture<RemoteResult> reconnecting = CompletableFuture.supplyAsync(
                    () -> host.exec(RemoteCommand.shell("true"), DEADLINE));
            squatter.accept().close(); // the reclaim's connection: the reconnect is on the remote forward

            local.close();
            remote.close();
            squatter.close();

            assertThat(reconnecting.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).exitCode()).isZero();
            assertThat(Loopback.firstBytesOn(localPort)).as("port [%d] no longer reaches the host's sshd", localPort)
                    .doesNotStartWith("SSH-");
            assertThat(bindable(remotePort)).as("nothing on the host holds port [%d]", remotePort).isTrue();
        }
    }

    /** Binds {@code port} on the loopback once the host's sshd let go of it. */
    private static ServerSocket bindOnceFreed(int port) {
        return Awaitility.await().atMost(DEADLINE).ignoreExceptions()
                .until(() -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress()), java.util.Objects::nonNull);
    }

    private static boolean bindable(int port) {
        try (ServerSocket free = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
