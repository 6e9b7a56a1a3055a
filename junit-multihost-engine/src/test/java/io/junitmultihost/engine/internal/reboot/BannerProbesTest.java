package io.junitmultihost.engine.internal.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.ssh.SshPool;
import io.junitmultihost.ssh.SshTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Banner probes against real loopback sockets: a forwarder that holds connections silent, and a closed port. */
class BannerProbesTest {

    private static final Duration CONNECT = Duration.ofMillis(250);
    private static final Duration BANNER = Duration.ofSeconds(1);
    private static final Duration PATIENT = Duration.ofSeconds(4);

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final SshPool pool = SshPool.builder().useAgent(false).build();
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        pool.close();
        for (Socket s : accepted) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void behindAForwarderThatHoldsConnectionsSilentSshdStartingIsSeenWithoutWaitingOutTheSilentOnes() throws Exception {
        long sshdStarts = System.nanoTime() + Duration.ofMillis(400).toNanos();
        forwarder(sshdStarts);
        BootProbe probe = new BootProbe(pool.host(target()));

        BootProbe.Banner banner = awaitBanner(probe, Duration.ofSeconds(10));
        long late = System.nanoTime() - sshdStarts;

        assertThat(banner.tcp()).isEqualTo(BootProbe.Tcp.ACCEPTING);
        // one probe at a time would wait out the silent connection's whole second first
        assertThat(Duration.ofNanos(late)).isLessThan(Duration.ofMillis(450));
        banner.connection().close();
    }

    @Test
    void behindAForwarderWhoseHostStaysSilentTheProbesOpenEverFewerConnections() throws Exception {
        // QEMU's user network delivers each of them once sshd listens, closed by the probe or not
        forwarder(System.nanoTime() + Duration.ofMinutes(1).toNanos());
        BootProbe probe = new BootProbe(pool.host(target()));

        BootProbe.Banner banner = awaitBanner(probe, Duration.ofSeconds(6));

        assertThat(banner.tcp()).isNotEqualTo(BootProbe.Tcp.ACCEPTING);
        // at a steady four a second it would have been 23
        assertThat(accepted).hasSizeBetween(5, 10);
    }

    @Test
    void onceTheForwarderClosesConnectionsWithoutABannerProbingIsFastAgain() throws Exception {
        // the host's network came up at 3 s (its port refuses), its sshd listens from 5.5 s on
        long start = System.nanoTime();
        long networkUp = start + Duration.ofSeconds(3).toNanos();
        long sshdStarts = start + Duration.ofMillis(5500).toNanos();
        AtomicInteger refused = new AtomicInteger();
        serve("refusing-forwarder", s -> {
            long now = System.nanoTime();
            if (now - sshdStarts >= 0) {
                sendBanner(s);
            } else if (now - networkUp >= 0) {
                refused.incrementAndGet();
                closeQuietly(s);
            }
        });
        BootProbe probe = new BootProbe(pool.host(target()));

        BootProbe.Banner banner = awaitBanner(probe, Duration.ofSeconds(10));
        long late = System.nanoTime() - sshdStarts;

        assertThat(banner.tcp()).isEqualTo(BootProbe.Tcp.ACCEPTING);
        assertThat(Duration.ofNanos(late)).isLessThan(Duration.ofMillis(300));
        // refused for 2.5 s: a connection every 100 ms, as a host reached directly (every 250 ms was 10)
        assertThat(refused.get()).isBetween(16, 30);
        banner.connection().close();
    }

    @Test
    void aConnectionThatStaysSilentAfterTheForwarderItselfRefusedDoesNotWaitAlone() throws Exception {
        // The guest refuses for 1 s, then its forwarder is gone for 0.5 s (QEMU restarting with the VM);
        // the new one holds connections silent until the guest's sshd listens at 3 s.
        long start = System.nanoTime();
        long forwarderBack = start + Duration.ofMillis(1500).toNanos();
        long sshdStarts = start + Duration.ofSeconds(3).toNanos();
        serve("old-guest", s -> closeQuietly(s));
        int port = server.getLocalPort();
        BootProbe probe = new BootProbe(pool.host(target()));
        BootProbe.Banner banner;
        try (BannerProbes probes = probe.bannerProbes(CONNECT, BANNER, PATIENT)) {
            boolean restarted = false;
            do {
                long now = System.nanoTime();
                if (now - start >= Duration.ofSeconds(1).toNanos() && !restarted) {
                    server.close();
                    restarted = true;
                }
                if (restarted && server.isClosed() && now - forwarderBack >= 0) {
                    serve("new-guest", port, s -> {
                        if (System.nanoTime() - sshdStarts >= 0) {
                            sendBanner(s);
                        }
                    });
                }
                banner = probes.next(System.nanoTime() + Duration.ofMillis(200).toNanos());
                if (banner.tcp() == BootProbe.Tcp.REFUSED) {
                    Thread.sleep(20); // as the reboot's wait pauses between refused connections
                }
            } while (banner.tcp() != BootProbe.Tcp.ACCEPTING && System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
        }
        long late = System.nanoTime() - sshdStarts;

        assertThat(banner.tcp()).isEqualTo(BootProbe.Tcp.ACCEPTING);
        // waiting alone, the first silent connection would have held the others back for its patient 4 s
        assertThat(Duration.ofNanos(late)).isLessThan(Duration.ofMillis(1500));
        banner.connection().close();
    }

    @Test
    void aConnectionThatStaysSilentRightAfterOthersWereRefusedWaitsAloneForTheSlowSshd() throws Exception {
        // the host refuses (through its forwarder) for 1 s, then its sshd listens and takes 2.5 s to answer
        long sshdListens = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        List<Socket> reachedSshd = new CopyOnWriteArrayList<>();
        serve("slow-guest", s -> {
            if (System.nanoTime() - sshdListens < 0) {
                closeQuietly(s);
                return;
            }
            reachedSshd.add(s);
            sendBannerLater(s, Duration.ofMillis(2500));
        });
        BootProbe probe = new BootProbe(pool.host(target()));

        BootProbe.Banner banner = awaitBanner(probe, Duration.ofSeconds(8));

        assertThat(banner.tcp()).isEqualTo(BootProbe.Tcp.ACCEPTING);
        // each connection beside it would be one more sshd for the guest to start before it answers
        assertThat(reachedSshd).hasSize(1);
        banner.connection().close();
    }

    @Test
    void anSshdSlowerToSendItsBannerThanEachProbeWaitsIsStillSeen() throws Exception {
        // A guest starved of CPU: sshd sends its banner 1.6 s after it accepts, more than a probe's 1 s.
        slowSshd(Duration.ofMillis(1600));
        BootProbe probe = new BootProbe(pool.host(target()));
        long start = System.nanoTime();

        BootProbe.Banner banner = awaitBanner(probe, Duration.ofSeconds(8));

        assertThat(banner.tcp()).isEqualTo(BootProbe.Tcp.ACCEPTING);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENT);
        banner.connection().close();
    }

    @Test
    void aClosedPortIsRefusedAtOnce() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        BootProbe probe = new BootProbe(pool.host(SshTarget.builder("closed", "127.0.0.1").port(port).build()));

        try (BannerProbes probes = probe.bannerProbes(CONNECT, BANNER, PATIENT)) {
            BootProbe.Banner banner = probes.next(System.nanoTime() + Duration.ofSeconds(2).toNanos());

            assertThat(banner.tcp()).isEqualTo(BootProbe.Tcp.REFUSED);
            assertThat(probes.waiting()).isFalse();
        }
    }

    /** Probes until a banner comes, or {@code within} passed: what the last probe saw. */
    private static BootProbe.Banner awaitBanner(BootProbe probe, Duration within) {
        try (BannerProbes probes = probe.bannerProbes(CONNECT, BANNER, PATIENT)) {
            long end = System.nanoTime() + within.toNanos();
            BootProbe.Banner banner;
            do {
                banner = probes.next(System.nanoTime() + Duration.ofMillis(200).toNanos());
            } while (banner.tcp() != BootProbe.Tcp.ACCEPTING && System.nanoTime() < end);
            return banner;
        }
    }

    /** Accepts every connection; those accepted before {@code sshdStarts} stay silent, later ones get a banner. */
    private void forwarder(long sshdStarts) throws IOException {
        serve("silent-forwarder", s -> {
            if (System.nanoTime() - sshdStarts >= 0) {
                sendBanner(s);
            }
        });
    }

    /** Accepts every connection and sends the banner {@code late} after accepting it. */
    private void slowSshd(Duration late) throws IOException {
        serve("slow-sshd", s -> sendBannerLater(s, late));
    }

    /** Accepts connections on loopback in a thread of its own, handing each to {@code accepted}. */
    private void serve(String name, java.util.function.Consumer<Socket> onAccept) throws IOException {
        serve(name, 0, onAccept);
    }

    /** {@link #serve(String, java.util.function.Consumer)} on {@code port} (0: any free one). */
    private void serve(String name, int port, java.util.function.Consumer<Socket> onAccept) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 50);
        server = listener;
        Thread thread = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    accepted.add(s);
                    onAccept.accept(s);
                } catch (IOException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends the banner on {@code socket} {@code late} from now, from a thread of its own: a slow sshd. */
    private static void sendBannerLater(Socket socket, Duration late) {
        Thread banner = new Thread(() -> {
            try {
                Thread.sleep(late.toMillis());
                sendBanner(socket);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "slow-banner");
        banner.setDaemon(true);
        banner.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // the probe closed it first
        }
    }

    private static void sendBanner(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write("SSH-2.0-Test\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // the probe closed it first
        }
    }

    private SshTarget target() {
        return SshTarget.builder("forwarded", "127.0.0.1").port(server.getLocalPort()).build();
    }
}
