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
            Thread.sleep(60_000);
            return 1;
        }, Duration.ofMillis(500))).isInstanceOf(VmInvocationException.class)
                .hasMessageContaining("did not finish within [500 ms]")
                .hasMessageContaining("java.lang.Thread.sleep")
                .hasMessageContaining("Thread dump of the VM");
    }

    @Test
    void withDirectConnectionsInvocationsGoStraightToTheJvmAndStillCarryFailures() {
        try (VmTestHosts direct = VmTestHosts.lab(VmsIT.class, 1, java.util.Map.of("multihost.vm.direct", "true"))) {
            Vm vm = direct.vms().launch(direct.hosts().get(0), 1, VmOptions.named("direct")).get(0);

            assertThat(((RemoteVm) vm).fast).as("a direct connection").isNotNull();
            assertThat(vm.invoke(() -> 6 * 7)).isEqualTo(42);
            assertThatThrownBy(() -> vm.invoke(() -> {
                throw new IllegalStateException("direct boom");
            })).isInstanceOf(VmInvocationException.class).cause().hasMessage("direct boom");
            assertThat(((RemoteVm) vm).fast.isOpen()).isTrue();
            assertThatThrownBy(() -> vm.invoke(() -> {
                Thread.sleep(60_000);
                return 1;
            }, Duration.ofMillis(500))).isInstanceOf(VmInvocationException.class)
                    .hasMessageContaining("did not finish within [500 ms]").hasMessageContaining("java.lang.Thread.sleep");
            List<Integer> together = List.of(1, 2, 3, 4).parallelStream().map(i -> vm.invoke(() -> i * 10)).toList();
            assertThat(together).as("calls at once, each on a connection of its own").containsExactly(10, 20, 30, 40);
        }
    }

    @Test
    void aDirectConnectionWithoutTheTokenIsClosedUnanswered() throws Exception {
        try (VmTestHosts direct = VmTestHosts.lab(VmsIT.class, 1, java.util.Map.of("multihost.vm.direct", "true"))) {
            Host target = direct.hosts().get(0);
            RemoteVm vm = (RemoteVm) direct.vms().launch(target, 1, VmOptions.named("guarded")).get(0);

            try (java.net.Socket intruder = new java.net.Socket(target.address(), vm.directPort)) {
                java.io.DataOutputStream out = new java.io.DataOutputStream(intruder.getOutputStream());
                Frame.text(Frame.Type.HELLO, 0, "wrong-token\n" + vm.id).writeTo(out);
                try {
                    new Frame(Frame.Type.INVOKE, 1, Serial.bytes((io.junitmultihost.api.SerializableCallable<Integer>) () -> 1))
                            .writeTo(out);
                } catch (java.io.IOException closedAlready) {
                    // the JVM may have closed the connection before this write: that is what is checked below
                }
                intruder.setSoTimeout(5000);
                int first;
                try {
                    first = intruder.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    first = -1; // closed with our write unread: a reset, and still no answer
                }
                assertThat(first).as("closed without an answer").isEqualTo(-1);
            }
            assertThat(vm.invoke(() -> "still fine")).isEqualTo("still fine");
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
