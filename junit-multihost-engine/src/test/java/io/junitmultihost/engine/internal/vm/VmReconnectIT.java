package io.junitmultihost.engine.internal.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.engine.internal.events.VmEvents;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import io.junitmultihost.engine.internal.sync.SyncReachable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A remote JVM whose host's sshd is killed under a running invocation: both paths get through it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VmReconnectIT {

    private VmTestHosts hosts;
    private Host host;

    @BeforeAll
    void startLab() {
        hosts = VmTestHosts.lab(VmReconnectIT.class, 1);
        host = hosts.hosts().get(0);
    }

    @AfterAll
    void closeLab() {
        if (hosts != null) {
            hosts.close();
        }
    }

    private VmMaster master(String owner, boolean direct) {
        return new VmMaster(owner, VmSettings.defaults(Duration.ofSeconds(30)).withDirect(direct),
                (h, port) -> ((SyncReachable) h).forwardToTestJvm(port, Duration.ofSeconds(10)), null, new VmEvents());
    }

    @Test
    void anInvocationThroughSshOutlivesSshdKilledAndTheJvmGoesOnOnItsNewConnection() throws Exception {
        survivesSshdKilled(false);
    }

    @Test
    void anInvocationOnTheDirectPathOutlivesSshdKilledAndTheJvmGoesOn() throws Exception {
        survivesSshdKilled(true);
    }

    private void survivesSshdKilled(boolean direct) throws Exception {
        try (VmMaster master = master("sshd killed, direct " + direct, direct)) {
            RemoteVm vm = (RemoteVm) master.launch(host, 1, VmOptions.named("survivor")).get(0);
            assertThat(vm.fast != null).as("on the direct path").isEqualTo(direct);
            long pid = vm.pid();

            CompletableFuture<String> call = vm.invokeAsync(() -> {
                Thread.sleep(3000);
                return "slept";
            }, Duration.ofSeconds(20));
            Thread.sleep(1000);
            VmConnection before = vm.connection;
            VmTestHosts.killSshd(host);

            assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("slept");
            Vm same = vm;
            assertThat(same.isRunning()).isTrue();
            assertThat(same.pid()).as("the same JVM").isEqualTo(pid);
            assertThat(same.<Integer>invoke(() -> 6 * 7)).isEqualTo(42);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> vm.connection != before && vm.connection.isOpen());
            assertThat(vm.invoke(() -> "after the reconnection")).isEqualTo("after the reconnection");
        }
    }
}
