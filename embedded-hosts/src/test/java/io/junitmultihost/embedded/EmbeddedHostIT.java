package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.testsupport.MustNotSkip;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Embedded hosts through a real SSH client (JSch, and OpenSSH's ssh where installed). */
class EmbeddedHostIT {

    private static EmbeddedHostProvider provider;
    private static HostSpec one;
    private static HostSpec two;

    @BeforeAll
    static void startTwoHosts() {
        provider = new EmbeddedHostProvider(EmbeddedSettings.defaults());
        List<HostSpec> hosts = provider.hosts("any", 2, Set.of(), Duration.ofSeconds(30));
        one = hosts.get(0);
        two = hosts.get(1);
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @Test
    void execRunsInARealShellInTheHostsHomeWithExitCodeAndBothStreams() throws Exception {
        try (JschClient client = JschClient.connect(one)) {
            JschClient.Result result = client.exec("pwd; echo out; echo err >&2; for i in 1 2; do echo $i; done | wc -l; exit 7");
            assertThat(result.exitCode()).isEqualTo(7);
            assertThat(result.stdout()).isEqualTo(one.labels().get("home") + "\nout\n2\n");
            assertThat(result.stderr()).isEqualTo("err\n");
        }
    }

    @Test
    void stdinReachesTheCommandUntilTheClientsEndOfFile() throws Exception {
        try (JschClient client = JschClient.connect(one)) {
            JschClient.Result result = client.exec("tr a-z A-Z", Map.of(), "hello\nworld\n".getBytes(StandardCharsets.UTF_8));
            assertThat(result.stdout()).isEqualTo("HELLO\nWORLD\n");
            assertThat(result.exitCode()).isZero();
        }
    }

    @Test
    void strictHostKeyCheckingPassesWithTheGivenLineAndFailsWithAnotherHostsKey() throws Exception {
        assertThat(one.knownHosts()).singleElement().asString()
                .matches("\\[127\\.0\\.0\\.1]:" + one.port() + " ecdsa-sha2-nistp256 AAAA[A-Za-z0-9+/=]+");
        try (JschClient client = JschClient.connect(one)) {
            assertThat(client.exec("true").exitCode()).isZero();
        }
        String otherKey = two.knownHosts().get(0).replace("]:" + two.port() + " ", "]:" + one.port() + " ");
        assertThatThrownBy(() -> JschClient.connect(one, List.of(otherKey)))
                .isInstanceOf(JSchException.class).hasMessageContaining("HostKey has been changed");
        assertThatThrownBy(() -> JschClient.connect(one, List.of()))
                .isInstanceOf(com.jcraft.jsch.JSchUnknownHostKeyException.class).hasMessageContaining("[127.0.0.1]:" + one.port());
    }

    @Test
    void onlyTheProvidersClientKeyAndTheCurrentUserGetIn(@TempDir Path temp) throws Exception {
        assertThat(one.user()).isEqualTo(System.getProperty("user.name"));
        Path strangerKey = temp.resolve("stranger");
        SshKeys.writePrivateKey(SshKeys.generate(), strangerKey);
        assertThatThrownBy(() -> JschClient.connect(one.toBuilder().identityFile(strangerKey).build()))
                .isInstanceOf(JSchException.class).hasMessageContaining("Auth fail");
        assertThatThrownBy(() -> JschClient.connect(one.toBuilder().user("someone-else").build()))
                .isInstanceOf(JSchException.class).hasMessageContaining("Auth fail");
    }

    @Test
    void theClientKeyFileIsReadableByItsOwnerOnly() throws Exception {
        assertThat(Files.getPosixFilePermissions(one.identityFile().orElseThrow()))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void eachHostHasItsOwnBootIdAndKernelCommandLine() throws Exception {
        String script = "cat /proc/sys/kernel/random/boot_id; cat /proc/cmdline; head -n 1 /proc/sys/kernel/random/boot_id";
        String[] first;
        String[] second;
        try (JschClient a = JschClient.connect(one); JschClient b = JschClient.connect(two)) {
            first = a.exec(script).stdout().split("\n");
            second = b.exec(script).stdout().split("\n");
        }
        assertThat(first[0]).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}").isEqualTo(first[2]);
        assertThat(second[0]).matches("[0-9a-f-]{36}").isNotEqualTo(first[0]);
        assertThat(first[1]).isEqualTo("BOOT_IMAGE=/vmlinuz-embedded root=/dev/embedded ro quiet multihost.host=host-1");
        assertThat(second[1]).isEqualTo("BOOT_IMAGE=/vmlinuz-embedded root=/dev/embedded ro quiet multihost.host=host-2");
        assertThat(first[0]).isNotEqualTo(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip());
    }

    @Test
    void environmentIsPerHostAndVariablesTheClientSendsAreHonoured() throws Exception {
        String script = "echo \"$HOME|$USER|$MULTIHOST_HOST|$GREETING\"; echo \"$PATH\"";
        try (JschClient a = JschClient.connect(one); JschClient b = JschClient.connect(two)) {
            String[] first = a.exec(script, Map.of("GREETING", "hello one"), null).stdout().split("\n");
            String[] second = b.exec(script).stdout().split("\n");
            String user = System.getProperty("user.name");
            assertThat(first[0]).isEqualTo(one.labels().get("home") + "|" + user + "|host-1|hello one");
            assertThat(second[0]).isEqualTo(two.labels().get("home") + "|" + user + "|host-2|");
            assertThat(first[1]).startsWith(Path.of(one.labels().get("home")).resolveSibling("bin") + ":");
            assertThat(one.labels().get("home")).isNotEqualTo(two.labels().get("home"));
        }
    }

    @Test
    void closingTheChannelKillsTheCommandsWholeProcessTree() throws Exception {
        Path pids = Path.of(one.labels().get("home"), "tree.pids");
        try (JschClient client = JschClient.connect(one)) {
            ChannelExec channel = client.start("sleep 1000 & echo $!"
                    + Processes.NAMESPACE + " > tree.tmp; echo $$" + Processes.NAMESPACE + " >> tree.tmp; mv tree.tmp tree.pids; sleep 1000");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pids));
            List<Long> started = readPids(pids);
            assertThat(started).hasSize(2).allMatch(Processes::running);
            channel.disconnect();
            await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Processes::running));
            assertThat(client.exec("echo still here").stdout()).isEqualTo("still here\n");
        }
    }

    @Test
    void aSignalFromTheClientReachesTheCommandsProcessGroup() throws Exception {
        try (JschClient client = JschClient.connect(one)) {
            ChannelExec channel = client.channel("sleep 1000 > /dev/null 2>&1 & echo $!" + Processes.NAMESPACE + "; exec sleep 1000");
            java.io.InputStream out = channel.getInputStream();
            channel.connect((int) JschClient.TIMEOUT.toMillis());
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(out, StandardCharsets.UTF_8)).readLine();
            long background = Processes.machinePid(first);
            channel.sendSignal("TERM");
            await().atMost(Duration.ofSeconds(10)).until(channel::isClosed);
            assertThat(channel.getExitStatus()).isEqualTo(128 + 15);
            await().atMost(Duration.ofSeconds(10)).until(() -> !Processes.running(background));
        }
    }

    @Test
    void aCommandLeadsItsOwnProcessGroupAsTheHostSeesItAndGoesOnToItsEndAfterItsGroupIsStoppedAndContinued() throws Exception {
        try (JschClient client = JschClient.connect(one)) {
            ChannelExec channel = client.channel("read -r s < /proc/$$/stat; set -- ${s##*) }; echo $$ $3; sleep 1; exit 5");
            java.io.InputStream out = channel.getInputStream();
            channel.connect((int) JschClient.TIMEOUT.toMillis());
            String[] shellAndGroup = new java.io.BufferedReader(new java.io.InputStreamReader(out, StandardCharsets.UTF_8))
                    .readLine().split(" ");
            assertThat(shellAndGroup[1]).as("its process group as the host sees it").isEqualTo(shellAndGroup[0]);

            assertThat(client.exec("kill -STOP -" + shellAndGroup[0] + " && sleep 0.3 && kill -CONT -" + shellAndGroup[0]).exitCode())
                    .isZero();

            await().atMost(Duration.ofSeconds(10)).until(channel::isClosed);
            assertThat(channel.getExitStatus()).isEqualTo(5);
        }
    }

    @Test
    void aCommandThatDetachesItsOutputOutlivesItsChannelAsOnARealHost() throws Exception {
        try (JschClient client = JschClient.connect(two)) {
            JschClient.Result result = client.exec("nohup sleep 1000 > /dev/null 2>&1 & echo $!" + Processes.NAMESPACE);
            assertThat(result.exitCode()).isZero();
            long daemon = Processes.machinePid(result.stdout());
            Thread.sleep(300);
            assertThat(Processes.running(daemon)).isTrue();
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void sftpWorksOnTheRealFilesystemFromTheHostsHomeAndShowsTheHostsBootFiles() throws Exception {
        try (JschClient client = JschClient.connect(two)) {
            ChannelSftp sftp = client.sftp();
            try {
                assertThat(sftp.pwd()).isEqualTo(two.labels().get("home"));
                sftp.put(new ByteArrayInputStream("via sftp\n".getBytes(StandardCharsets.UTF_8)), "uploaded.txt");
                assertThat(Path.of(two.labels().get("home"), "uploaded.txt")).hasContent("via sftp");
                ByteArrayOutputStream cmdline = new ByteArrayOutputStream();
                sftp.get("/proc/cmdline", cmdline);
                assertThat(cmdline.toString(StandardCharsets.UTF_8)).contains("multihost.host=host-2");
            } finally {
                sftp.disconnect();
            }
            assertThat(client.exec("cat uploaded.txt").stdout()).isEqualTo("via sftp\n");
        }
    }

    @Test
    void portsCanBeForwardedBothWaysOnLoopback() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
             JschClient client = JschClient.connect(one)) {
            Thread acceptor = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (java.net.Socket s = server.accept()) {
                        s.getOutputStream().write("hello from the test JVM\n".getBytes(StandardCharsets.UTF_8));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            int local = client.session().setPortForwardingL("127.0.0.1", 0, "127.0.0.1", server.getLocalPort());
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", local)) {
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello from the test JVM\n");
            }
            int remote;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                remote = free.getLocalPort();
            }
            client.forwardRemote(remote, "127.0.0.1", server.getLocalPort());
            String viaHost = "exec 3<>/dev/tcp/127.0.0.1/" + remote + " 2>/dev/null && cat <&3";
            JschClient.Result result = client.exec("bash -c '" + viaHost + "'");
            assertThat(result.stdout()).isEqualTo("hello from the test JVM\n");
        }
    }

    @Test
    void openSshVerifiesTheKnownHostsLineStrictly(@TempDir Path temp) throws Exception {
        Path ssh = Path.of("/usr/bin/ssh");
        MustNotSkip.require(Files.isExecutable(ssh), "this test needs OpenSSH's client at [/usr/bin/ssh]: install openssh-client");
        Path good = Files.write(temp.resolve("known_hosts"), one.knownHosts());
        Path bad = Files.writeString(temp.resolve("bad_known_hosts"),
                two.knownHosts().get(0).replace("]:" + two.port() + " ", "]:" + one.port() + " ") + "\n");
        Processes.Run ok = Processes.run(openSsh(good, "echo \"$MULTIHOST_HOST\"; cat /proc/cmdline"), Map.of());
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
        assertThat(ok.stdout()).startsWith("host-1\nBOOT_IMAGE=");
        Processes.Run refused = Processes.run(openSsh(bad, "true"), Map.of());
        assertThat(refused.exitCode()).isEqualTo(255);
        assertThat(refused.stderr()).contains("Host key verification failed");
    }

    private static List<String> openSsh(Path knownHosts, String command) {
        return List.of("/usr/bin/ssh", "-F", "/dev/null", "-p", Integer.toString(one.port()),
                "-i", one.identityFile().orElseThrow().toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10",
                one.user() + "@" + one.address(), command);
    }

    private static List<Long> readPids(Path file) throws Exception {
        List<Long> pids = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            pids.add(Processes.machinePid(line));
        }
        return pids;
    }
}
