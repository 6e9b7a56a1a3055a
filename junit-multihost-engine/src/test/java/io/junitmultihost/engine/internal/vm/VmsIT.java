package io.junitmultihost.engine.internal.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.VmContext;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmInfo;
import io.junitmultihost.api.VmInvocationException;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.Vms;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Remote JVMs on real OpenSSH lab hosts: launch, invoke, failures and deadlines. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VmsIT {

    private VmTestHosts hosts;
    private Vms vms;
    private Host host;

    @BeforeAll
    void startLab() {
        hosts = VmTestHosts.lab(VmsIT.class, 1);
        host = hosts.hosts().get(0);
        vms = hosts.vms();
    }

    @AfterAll
    void closeLab() {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void aLaunchedVmRunsCodeAndKnowsItself() {
        List<Vm> launched = vms.launch(host, 2, VmOptions.named("worker").withSystemProperty("greeting", "hi"));

        assertThat(launched).extracting(Vm::name).containsExactly("worker-1", "worker-2");
        Vm first = launched.get(0);
        VmInfo self = first.invoke(() -> VmContext.current().orElseThrow().self());
        assertThat(self.id()).isEqualTo(first.id());
        assertThat(self.host()).isEqualTo(host.name());
        assertThat(self.pid()).isEqualTo(first.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(first.invoke(() -> System.getProperty("greeting"))).isEqualTo("hi");
        assertThat(first.<String>invoke(() -> java.net.InetAddress.getLocalHost().getHostName())).isEqualTo(host.name());
    }

    @Test
    void aRemoteExceptionArrivesWithItsRemoteStackTraceAsTheCause() {
        Vm vm = vms.launch(host, 1, VmOptions.named("thrower")).get(0);

        assertThatThrownBy(() -> vm.invoke(() -> {
            throw new IllegalStateException("remote boom");
        })).isInstanceOf(VmInvocationException.class)
                .hasMessageContaining("threw [java.lang.IllegalStateException: remote boom]")
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("remote boom")
                .satisfies(c -> assertThat(c.getStackTrace()).anyMatch(e -> e.getClassName().contains("VmAgent")));
    }

    @Test
    void anInvocationPastItsDeadlineFailsWithTheRemoteStackAndAThreadDump() {
        Vm vm = vms.launch(host, 1, VmOptions.named("sleeper")).get(0);

        assertThatThrownBy(() -> vm.invoke(() -> {
            System.out.println("about to sleep for a minute");
            Thread.sleep(60_000);
            return 1;
        }, Duration.ofSeconds(2))).isInstanceOf(VmInvocationException.class)
                .hasMessageContaining("did not finish within [2000 ms]")
                .hasMessageContaining("java.lang.Thread.sleep")
                .hasMessageContaining("Thread dump of the VM")
                .hasMessageContaining("Last lines of its log")
                .hasMessageContaining("about to sleep for a minute");
    }

    @Test
    void anInvocationPastItsDeadlineFailsWithinItEvenWhenTheThreadDumpCannotCome() {
        RemoteVm vm = (RemoteVm) vms.launch(host, 1, VmOptions.named("dumpless")).get(0);
        // the JVM stops answering anything: its threads are frozen (SIGSTOP), as behind a cut link
        host.exec(List.of("kill", "-STOP", Long.toString(vm.pid())), Duration.ofSeconds(10)).assertSuccess();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> vm.invoke(() -> 1, Duration.ofSeconds(3))).isInstanceOf(VmInvocationException.class)
                    .hasMessageContaining("did not finish within [3000 ms]").hasMessageContaining("no thread dump");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
        } finally {
            host.exec(List.of("kill", "-CONT", Long.toString(vm.pid())), Duration.ofSeconds(10)).assertSuccess();
        }
    }

    @Test
    void byDefaultInvocationsGoStraightToTheJvmAndStillCarryFailures() {
        {
            Vm vm = vms.launch(host, 1, VmOptions.named("direct")).get(0);

            assertThat(((RemoteVm) vm).fast).as("a direct connection").isNotNull();
            assertThat(vm.invoke(() -> 6 * 7)).isEqualTo(42);
            assertThatThrownBy(() -> vm.invoke(() -> {
                throw new IllegalStateException("direct boom");
            })).isInstanceOf(VmInvocationException.class).cause().hasMessage("direct boom");
            assertThat(((RemoteVm) vm).fast.isOpen()).isTrue();
            assertThatThrownBy(() -> vm.invoke(() -> {
                Thread.sleep(60_000);
                return 1;
            }, Duration.ofSeconds(2))).isInstanceOf(VmInvocationException.class)
                    .hasMessageContaining("did not finish within [2000 ms]").hasMessageContaining("java.lang.Thread.sleep");
            List<Integer> together = List.of(1, 2, 3, 4).parallelStream().map(i -> vm.invoke(() -> i * 10)).toList();
            assertThat(together).as("calls at once, each on a connection of its own").containsExactly(10, 20, 30, 40);
        }
    }

    @Test
    void anUnauthenticatedPeerSendingASerializedPayloadGetsNothingDeserializedAndIsDropped() throws Exception {
        RemoteVm vm = (RemoteVm) vms.launch(host, 1, VmOptions.named("guarded")).get(0);
        String wire = "/tmp/tripwire-" + System.nanoTime();
        byte[] payload = Serial.bytes(new Tripwire(wire));

        assertThat(answersTo(vm, bytes(new Frame(Frame.Type.INVOKE, 1, payload)))).as("code sent first thing")
                .isEqualTo("closed after []");
        assertThat(answersTo(vm, bytes(Frame.text(Frame.Type.HELLO, 0, "wrong-token\n" + vm.id),
                new Frame(Frame.Type.INVOKE, 1, payload)))).as("code after a greeting with a wrong token")
                .isEqualTo("closed after []");
        assertThat(host.exec(List.of("test", "-e", wire), Duration.ofSeconds(10)).exitCode())
                .as("the tripwire was never deserialized").isEqualTo(1);
        assertThat(vm.invoke(() -> "still fine")).isEqualTo("still fine");
    }

    @Test
    void aRecordedDirectConversationReplayedGetsNothingDeserializedAndIsDropped() throws Exception {
        RemoteVm vm = (RemoteVm) vms.launch(host, 1, VmOptions.named("replayed")).get(0);
        String token = host.exec(io.junitmultihost.api.Command.shell("cat " + io.junitmultihost.ssh.ShellQuote.quote(
                vm.setup.tokenFile())).withDeadline(Duration.ofSeconds(10))).assertSuccess().stdout().strip();
        byte[] recorded;
        try (RecordingRelay sniffer = new RecordingRelay(host.address(), vm.directPort);
                DirectCalls controller = new DirectCalls("127.0.0.1", sniffer.port(), token, vm.id)) {
            Frame answer = controller.call(Serial.bytes((io.junitmultihost.api.SerializableCallable<Integer>) () -> 42),
                    Duration.ofSeconds(10));
            assertThat(answer.type()).isEqualTo(Frame.Type.RESULT);
            recorded = sniffer.sent();
        }
        assertThat(new String(recorded, java.nio.charset.StandardCharsets.ISO_8859_1)).as("the token on the wire")
                .doesNotContain(token);
        String wire = "/tmp/tripwire-" + System.nanoTime();

        assertThat(answersTo(vm, recorded)).as("the whole conversation again").doesNotContain("RESULT", "FAILURE")
                .startsWith("closed after");
        java.io.ByteArrayOutputStream greetingAndTripwire = new java.io.ByteArrayOutputStream();
        greetingAndTripwire.write(greetingOf(recorded));
        greetingAndTripwire.write(bytes(new Frame(Frame.Type.INVOKE, 7, Serial.bytes(new Tripwire(wire)))));
        greetingAndTripwire.write(new byte[32]);
        assertThat(answersTo(vm, greetingAndTripwire.toByteArray())).as("its greeting, then code of the sniffer's")
                .doesNotContain("RESULT", "FAILURE").startsWith("closed after");
        assertThat(host.exec(List.of("test", "-e", wire), Duration.ofSeconds(10)).exitCode())
                .as("the tripwire was never deserialized").isEqualTo(1);
        assertThat(vm.invoke(() -> "still fine")).isEqualTo("still fine");
    }

    @Test
    void aDirectConnectionFromAnotherAddressThanTheControllersIsRefusedUnread() {
        RemoteVm vm = (RemoteVm) vms.launch(host, 1, VmOptions.named("fenced")).get(0);

        // the host itself connects: its own address is not the one the controller's SSH session came from
        host.exec(List.of("bash", "-c", "exec 3<>/dev/tcp/" + host.address() + "/" + vm.directPort
                + " && printf x >&3 && timeout 5 cat <&3; true"), Duration.ofSeconds(20)).assertSuccess();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                host.exec(List.of("cat", vm.logFile()), Duration.ofSeconds(10)).stdout())
                .contains("refused a direct connection from [" + host.address() + "]"));
        assertThat(vm.invoke(() -> "still fine")).isEqualTo("still fine");
    }

    @Test
    void manyIdleConnectionsThatNeverGreetAreClosedWithinTheGreetingDeadlineWhileInvocationsGoOn() throws Exception {
        RemoteVm vm = (RemoteVm) vms.launch(host, 1, VmOptions.named("crowded")).get(0);
        int strangers = 3 * GreetingGate.MAX_GREETINGS;
        List<java.net.Socket> idle = new java.util.ArrayList<>();
        long start = System.nanoTime();
        try {
            // from this machine, as the controller's own connections come: the address check lets them in
            for (int i = 0; i < strangers; i++) {
                idle.add(new java.net.Socket(host.address(), vm.directPort));
            }

            assertThat(vm.invoke(() -> "still fine")).as("on the connection the controller holds").isEqualTo("still fine");
            List<Integer> together = List.of(1, 2, 3, 4).parallelStream().map(i -> vm.invoke(() -> i * 10)).toList();
            assertThat(together).as("calls at once, on new connections").containsExactly(10, 20, 30, 40);
            Thread.sleep(500);
            long closedEarly = idle.stream().filter(VmsIT::closedByPeer).count();
            assertThat(closedEarly).as("connections over the cap of [" + GreetingGate.MAX_GREETINGS + "], closed at once")
                    .isGreaterThanOrEqualTo(strangers - GreetingGate.MAX_GREETINGS);
            Duration latest = GreetingGate.DEADLINE.plusSeconds(2);
            org.awaitility.Awaitility.await().atMost(latest.minusNanos(System.nanoTime() - start)).pollInterval(
                    Duration.ofMillis(100)).until(() -> idle.stream().allMatch(VmsIT::closedByPeer));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("all closed").isLessThan(latest);
        } finally {
            for (java.net.Socket socket : idle) {
                socket.close();
            }
        }
        assertThat(vm.invoke(() -> "still fine")).isEqualTo("still fine");
    }

    /** Whether the peer closed {@code socket} (end of stream or reset), looking for at most a millisecond. */
    private static boolean closedByPeer(java.net.Socket socket) {
        try {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (java.io.IOException reset) {
            return true;
        }
    }

    @Test
    void whereAHostCannotBeReachedDirectlyInvocationsGoThroughSshAfterOneShortTry() {
        // a firewall on the host lets in nothing but SSH
        host.exec(io.junitmultihost.api.Command.shell("nft add table inet mhfirewall && nft add chain inet mhfirewall in"
                + " '{ type filter hook input priority 0; }' && nft add rule inet mhfirewall in iifname != lo tcp dport != 22"
                + " drop").withDeadline(Duration.ofSeconds(10))).assertSuccess();
        try (VmMaster master = new VmMaster("firewalled", VmSettings.defaults(Duration.ofSeconds(30)),
                (h, port) -> ((io.junitmultihost.engine.internal.sync.SyncReachable) h).forwardToTestJvm(port,
                        Duration.ofSeconds(10)), null, new io.junitmultihost.engine.internal.events.VmEvents())) {
            RemoteVm first = (RemoteVm) master.launch(host, 1, VmOptions.named("firewalled")).get(0);

            assertThat(first.fast).as("a direct connection").isNull();
            assertThat(master.whyNotDirect(host)).hasValueSatisfying(why -> assertThat(why).contains("did not answer within"));
            assertThat(first.invoke(() -> 6 * 7)).isEqualTo(42);
            long start = System.nanoTime();
            RemoteVm second = (RemoteVm) master.launch(host, 1, VmOptions.named("firewalled-too")).get(0);
            assertThat(second.fast).isNull();
            assertThat(second.invoke(() -> 7 * 6)).isEqualTo(42);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a second JVM on the host does not try again")
                    .isLessThan(Duration.ofSeconds(10));
        } finally {
            host.exec(List.of("nft", "delete", "table", "inet", "mhfirewall"), Duration.ofSeconds(10)).assertSuccess();
        }
    }

    @Test
    void withDirectConnectionsTurnedOffTheJvmListensOnNothingAndInvocationsGoThroughSsh() {
        try (VmMaster master = new VmMaster("ssh only", VmSettings.defaults(Duration.ofSeconds(30)).withDirect(false),
                (h, port) -> ((io.junitmultihost.engine.internal.sync.SyncReachable) h).forwardToTestJvm(port,
                        Duration.ofSeconds(10)), null, new io.junitmultihost.engine.internal.events.VmEvents())) {
            RemoteVm vm = (RemoteVm) master.launch(host, 1, VmOptions.named("ssh-only")).get(0);

            assertThat(vm.directPort).as("the JVM's direct port").isZero();
            assertThat(vm.fast).isNull();
            assertThat(vm.invoke(() -> 6 * 7)).isEqualTo(42);
            assertThat(master.whyNotDirect(host)).isEmpty();
        }
    }

    private static byte[] bytes(Frame... frames) throws java.io.IOException {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(buffer);
        for (Frame frame : frames) {
            frame.writeTo(out);
        }
        return buffer.toByteArray();
    }

    /** The frames a client sent before its first invocation: its half of the greeting. */
    private static byte[] greetingOf(byte[] recorded) throws java.io.IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(recorded));
        int used = 0;
        while (true) {
            Frame frame = Frame.readFrom(in);
            if (frame.type() == Frame.Type.INVOKE) {
                return java.util.Arrays.copyOf(recorded, used);
            }
            used += 1 + 8 + 4 + frame.payload().length;
        }
    }

    /** Sends {@code bytes} to the VM's direct port as a stranger would; the frame types it answered, and whether it closed. */
    private String answersTo(RemoteVm vm, byte[] bytes) throws java.io.IOException {
        try (java.net.Socket stranger = new java.net.Socket(host.address(), vm.directPort)) {
            stranger.setSoTimeout(5000);
            try {
                stranger.getOutputStream().write(bytes);
                stranger.getOutputStream().flush();
            } catch (java.io.IOException closedAlready) {
                // the JVM may have closed the connection before this write: what it answered is checked below
            }
            java.io.ByteArrayOutputStream answered = new java.io.ByteArrayOutputStream();
            String end;
            try {
                stranger.getInputStream().transferTo(answered);
                end = "closed";
            } catch (java.net.SocketTimeoutException e) {
                end = "still open after 5 s";
            } catch (java.net.SocketException reset) {
                end = "closed"; // with our write unread: a reset
            }
            List<Frame.Type> types = new java.util.ArrayList<>();
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(answered.toByteArray()));
            try {
                while (true) {
                    types.add(Frame.readFrom(in).type());
                }
            } catch (java.io.IOException endOfAnswers) {
                // all read
            }
            return end + " after " + types;
        }
    }

    @Test
    void aVmSyncsWithTheTestJvmAndWithAShellOnAHostUnderItsName() throws Exception {
        Vm vm = vms.launch(host, 1, VmOptions.named("syncer")).get(0);
        io.junitmultihost.api.Sync sync = hosts.sync();
        String vmName = vm.name();
        String hostName = host.name();

        java.util.concurrent.CompletableFuture<String> inVm = vm.invokeAsync(() -> {
            VmContext.current().orElseThrow().sync().remsync("vm-up", List.of(io.junitmultihost.api.Sync.CONTROLLER),
                    Duration.ofSeconds(30));
            return "synced";
        }, Duration.ofSeconds(60));
        sync.remsync("vm-up", List.of(vmName), Duration.ofSeconds(30));
        assertThat(inVm.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("synced");

        host.startDetached(io.junitmultihost.api.Command.shell(sync.script(host) + " sync with-shell --participants "
                + vmName + " --timeout 30s"));
        assertThat(vm.invoke(() -> VmContext.current().orElseThrow().sync()
                .remsync("with-shell", List.of(hostName), Duration.ofSeconds(30)).toString())).contains("with-shell");
    }
}
