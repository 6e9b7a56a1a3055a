package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabHost;
import io.junitmultihost.lab.LabOptions;
import io.junitmultihost.testsupport.MustNotSkip;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A cut link on a real OpenSSH host (lab, as root): deadlines hold, remote processes end, forwards come back. */
class CutLinkIT {

    private static final Logger LOG = LoggerFactory.getLogger(CutLinkIT.class);
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static Lab lab;
    private LabHost labHost;
    private SshPool pool;

    @BeforeAll
    static void startLab() {
        try {
            lab = Lab.start(LabOptions.builder().hosts(8).build());
        } catch (ConfigurationException e) {
            MustNotSkip.reason().ifPresent(reason -> {
                throw new AssertionError(reason + " and the lab cannot run here: " + e.getMessage(), e);
            });
            throw new TestAbortedException("The lab cannot run here: " + e.getMessage(), e);
        }
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @BeforeEach
    void openPool() {
        pool = SshPool.builder().useAgent(false).keepAlive(Duration.ofSeconds(1), 2).build();
    }

    @AfterEach
    void closePool() {
        if (labHost != null) {
            labHost.clearFaults();
        }
        pool.close();
    }

    private SshHost host(int index) {
        labHost = lab.hosts().get(index);
        return pool.host(target(labHost));
    }

    private static SshTarget target(LabHost host) {
        return SshTarget.builder(host.name(), host.address()).port(22).user("root").identityFile(lab.clientKey())
                .knownHosts(List.of(host.knownHostsLine())).build();
    }

    private static Path randomFile(Path file, int mebibytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[1 << 20];
            new java.util.Random(1).nextBytes(block);
            for (int i = 0; i < mebibytes; i++) {
                out.write(block);
            }
        }
        return file;
    }

    @Test
    void aDeadlineOnACutLinkFailsInTimeAndTheCommandIsEndedOnceTheLinkIsBack() throws Exception {
        SshHost host = host(0);
        host.exec(RemoteCommand.argv("true"), DEADLINE);
        String tag = "sleep 100000." + Math.floorMod(System.nanoTime(), 997);
        Duration deadline = Duration.ofSeconds(2);
        CompletableFuture<Long> started = new CompletableFuture<>();
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
            started.complete(System.nanoTime());
            return catchThrowable(() -> host.exec(RemoteCommand.shell("echo up; " + tag), deadline,
                    line -> labHost.cutLink()));
        });

        Throwable failure = call.get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started.get());
        LOG.info("A [2 s] deadline on a cut link failed after [{} ms].", took.toMillis());

        assertThat(failure).isInstanceOf(SshTimeoutException.class);
        assertThat(failure.getMessage()).contains(labHost.name(), tag, "[2 s]");
        assertThat(took).as("time to the failure").isLessThan(deadline.plusSeconds(3));
        labHost.restoreLink();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(host.exec(RemoteCommand.shell("ps -eo args | grep -F -- '" + tag + "' | grep -v grep"),
                        DEADLINE).stdoutText()).as("the command on the host").isEmpty());
    }

    @Test
    void anUploadOnACutLinkFailsByItsDeadlineThoughItsWritesAreStuck(@TempDir Path dir) throws Exception {
        SshHost host = host(4);
        host.exec(RemoteCommand.argv("true"), DEADLINE);
        Path file = dir.resolve("data.bin");
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[1 << 20];
            new java.util.Random(1).nextBytes(block);
            for (int i = 0; i < 64; i++) {
                out.write(block);
            }
        }
        labHost.limitBandwidth(8_000_000); // 64 MiB take a minute: the link is cut with the socket's buffers full
        Duration deadline = Duration.ofSeconds(4);
        long start = System.nanoTime();
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(() ->
                host.upload(file, "/root/cut-upload.bin", deadline)));
        Thread.sleep(1500);
        labHost.cutLink();

        Throwable failure = call.get(90, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("A [4 s] upload on a cut link failed after [{} ms].", took.toMillis());

        assertThat(failure).isInstanceOf(SshTimeoutException.class);
        assertThat(failure.getMessage()).contains(labHost.name(), "[4 s]");
        assertThat(took).as("time to the failure").isLessThan(deadline.plusSeconds(2));
        labHost.restoreLink();
        labHost.removeBandwidthLimit();
        assertThat(host.exec(RemoteCommand.argv("true"), DEADLINE).exitCode()).as("the host, once the link is back").isZero();
        host.exec(RemoteCommand.argv("rm", "-f", "/root/cut-upload.bin"), DEADLINE);
    }

    /**
     * The pool's deadlines share one timer: a transfer stuck in a write on one host's dead link
     * must not hold up another host's deadline (a download here) while its cleanup waits.
     */
    @Test
    void aDownloadOnACutLinkFailsByItsDeadlineWhileAnUploadOfTheSamePoolIsStuckOnAnotherCutLink(@TempDir Path dir)
            throws Exception {
        try (SshPool defaults = SshPool.builder().useAgent(false).build()) { // keep-alive as by default: 5 s, 3 times
            LabHost uploading = lab.hosts().get(5);
            LabHost downloading = lab.hosts().get(6);
            SshHost up = defaults.host(target(uploading));
            SshHost down = defaults.host(target(downloading));
            Path file = randomFile(dir.resolve("up.bin"), 64);
            down.exec(RemoteCommand.shell("head -c 33554432 /dev/urandom > /root/cut-download.bin"), DEADLINE);
            uploading.limitBandwidth(8_000_000);
            downloading.limitBandwidth(8_000_000);
            Path target = Files.createDirectories(dir.resolve("down")).resolve("data.bin");
            Duration uploadDeadline = Duration.ofSeconds(3);
            Duration downloadDeadline = Duration.ofSeconds(5);
            long start = System.nanoTime();
            AtomicLong uploadEnded = new AtomicLong();
            CompletableFuture<Throwable> upload = CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
                try {
                    up.upload(file, "/root/cut-upload.bin", uploadDeadline);
                } finally {
                    uploadEnded.set(System.nanoTime());
                }
            }));
            CompletableFuture<Throwable> download = CompletableFuture.supplyAsync(() -> catchThrowable(() ->
                    down.download("/root/cut-download.bin", target, downloadDeadline)));
            Thread.sleep(1500);
            uploading.cutLink();
            downloading.cutLink();
            try {
                Throwable downloadFailure = download.get(90, TimeUnit.SECONDS);
                Duration downloadTook = Duration.ofNanos(System.nanoTime() - start);
                Throwable uploadFailure = upload.get(90, TimeUnit.SECONDS);
                Duration uploadTook = Duration.ofNanos(uploadEnded.get() - start);
                LOG.info("A [5 s] download on a cut link, beside a [3 s] upload on another, failed after [{} ms]"
                        + " (the upload after [{} ms]).", downloadTook.toMillis(), uploadTook.toMillis());

                assertThat(downloadFailure).isInstanceOf(SshTimeoutException.class);
                assertThat(downloadFailure.getMessage()).contains(downloading.name(), "[5 s]");
                assertThat(downloadTook).as("time to the download's failure").isLessThan(downloadDeadline.plusMillis(1500));
                assertThat(uploadFailure).isInstanceOf(SshTimeoutException.class);
                assertThat(uploadTook).as("time to the upload's failure").isLessThan(uploadDeadline.plusMillis(1500));
            } finally {
                uploading.clearFaults();
                downloading.clearFaults();
            }
            up.exec(RemoteCommand.argv("rm", "-f", "/root/cut-upload.bin"), DEADLINE);
            down.exec(RemoteCommand.argv("rm", "-f", "/root/cut-download.bin"), DEADLINE);
        }
    }

    @Test
    void aDeadlineOfTheResidentAgentOnACutLinkFailsInTimeToo() throws Exception {
        SshHost host = host(3);
        HostAgent agent = host.agent(DEADLINE);
        agent.exec(RemoteCommand.argv("true"), DEADLINE);
        Duration deadline = Duration.ofSeconds(2);
        CompletableFuture<Long> started = new CompletableFuture<>();
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
            started.complete(System.nanoTime());
            return catchThrowable(() -> agent.exec(RemoteCommand.shell("sleep 100001"), deadline));
        });
        Thread cutter = new Thread(() -> {
            await().atMost(Duration.ofSeconds(10)).until(started::isDone);
            labHost.cutLink();
        });
        cutter.start();

        Throwable failure = call.get(60, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started.get());
        cutter.join(10_000);
        LOG.info("A [2 s] deadline of the resident agent on a cut link failed after [{} ms].", took.toMillis());

        assertThat(failure).isInstanceOf(SshTimeoutException.class);
        assertThat(took).as("time to the failure").isLessThan(deadline.plusSeconds(3));
    }

    @Test
    void aRemoteForwardGetsItsOldPortBackAfterTheLinkWasCutAndNoSshdIsLeftHoldingIt() throws Exception {
        SshHost host = host(1);
        try (ServerSocket server = helloServer()) {
            PortForward forward = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), DEADLINE);
            List<String> changes = recordChanges(forward);
            int before = forward.port();
            assertThat(hello(host, before)).isEqualTo("hello");

            cutUntilDropped(host);
            labHost.restoreLink();
            host.exec(RemoteCommand.argv("true"), DEADLINE);

            assertThat(forward.port()).isEqualTo(before);
            assertThat(changes).isEmpty();
            assertThat(hello(host, before)).as("through the forward after the cut").isEqualTo("hello");
            assertThat(labHost.exec("ss -Htlnp 'sport = :" + before + "'", DEADLINE).strip().lines())
                    .as("listeners on the forward's port").hasSize(1);
            forward.close();
        }
    }

    @Test
    void aRemoteForwardMovesToANewPortWhenTheSessionHoldingItsOldOneCannotBeMadeToLetGo() throws Exception {
        SshHost host = host(7);
        try (ServerSocket server = helloServer()) {
            PortForward forward = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), DEADLINE);
            List<String> changes = recordChanges(forward);
            int before = forward.port();
            // the sshd session serving the connection (and holding the port) stops: it neither answers the
            // keepalives, so the pool drops the connection, nor writes when the port is connected to, as a
            // session whose reset a firewall drops would not end
            String holder = labHost.exec("ss -Htlnp 'sport = :" + before + "' | grep -o 'pid=[0-9]*' | cut -d= -f2",
                    DEADLINE).strip();
            assertThat(holder).matches("[0-9]+");
            labHost.exec("kill -STOP " + holder, DEADLINE);
            try {
                awaitDropped(host);
                host.exec(RemoteCommand.argv("true"), DEADLINE);

                assertThat(changes).containsExactly("moved " + before + " " + forward.port());
                assertThat(hello(host, forward.port())).as("through the forward after the reconnect").isEqualTo("hello");
            } finally {
                labHost.exec("kill -CONT " + holder, DEADLINE);
            }
            forward.close();
        }
    }

    @Test
    void aRemoteForwardThatCannotBeSetUpAgainAfterTheCutIsReportedLostNamingTheHost() throws Exception {
        SshHost host = host(2);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            PortForward forward = host.forwardRemote(0, "127.0.0.1", server.getLocalPort(), DEADLINE);
            List<String> changes = new CopyOnWriteArrayList<>();
            forward.onChange(new PortForward.Listener() {
                @Override
                public void moved(int from, int to) {
                    changes.add("moved");
                }

                @Override
                public void lost(String why) {
                    changes.add(why);
                }
            });
            // the host's sshd now refuses forwards (the lab's init starts it again with the new config)
            host.exec(RemoteCommand.shell("echo 'AllowTcpForwarding no' >> /run/multihost-lab/sshd_config"
                    + " && kill $(cat /run/sshd.pid)"), DEADLINE);

            cutUntilDropped(host);
            labHost.restoreLink();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> host.exec(RemoteCommand.argv("true"), DEADLINE).exitCode() == 0);

            assertThat(changes).hasSize(1);
            assertThat(changes.get(0)).contains(labHost.name(), "Could not set remote forward", "up again");
            forward.close();
        }
    }

    /** Cuts the link of the host in use until the pool finds the connection to {@code host} dead and drops it. */
    private void cutUntilDropped(SshHost host) {
        labHost.cutLink();
        awaitDropped(host);
    }

    /** Waits until the pool finds the connection to {@code host} dead and drops it. */
    private static void awaitDropped(SshHost host) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !((PooledSshHost) host).isConnected());
    }

    /** A loopback server that says "hello" to each connection, on a thread of its own. */
    private static ServerSocket helloServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread answering = new Thread(() -> answerHello(server), "hello-server");
        answering.setDaemon(true);
        answering.start();
        return server;
    }

    /** The moves ("moved FROM TO") and losses ("lost WHY") of {@code forward}, as they are told. */
    private static List<String> recordChanges(PortForward forward) {
        List<String> changes = new CopyOnWriteArrayList<>();
        forward.onChange(new PortForward.Listener() {
            @Override
            public void moved(int from, int to) {
                changes.add("moved " + from + " " + to);
            }

            @Override
            public void lost(String why) {
                changes.add("lost " + why);
            }
        });
        return changes;
    }

    /** What the host reads from 127.0.0.1:port (bash's /dev/tcp). */
    private static String hello(SshHost host, int port) {
        RemoteResult result = host.exec(RemoteCommand.argv("bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/$1 && head -c 5 <&3", "bash", Integer.toString(port)), DEADLINE);
        return result.stdoutText();
    }

    private static void answerHello(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
                out.write("hello".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                return;
            }
        }
    }
}
