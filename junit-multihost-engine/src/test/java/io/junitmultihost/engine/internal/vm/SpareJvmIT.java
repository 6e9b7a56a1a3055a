package io.junitmultihost.engine.internal.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.RunMode;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmContext;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.VmTarget;
import io.junitmultihost.engine.internal.events.VmEvents;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import io.junitmultihost.engine.internal.sync.SyncReachable;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spare JVMs (multihost.vm.spares) on a lab host: a VM started again gets its next JVM made ready in
 * the background, and the next start promotes it. Seen from the host: it is a fresh process that
 * ran none of the test's code before it was promoted, a dead spare falls back to a plain start,
 * and nothing of a spare outlives its class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpareJvmIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private VmTestHosts hosts;
    private Host host;

    @BeforeAll
    void startLab() {
        hosts = VmTestHosts.lab(SpareJvmIT.class, 1);
        host = hosts.hosts().get(0);
    }

    @AfterAll
    void closeLab() {
        if (hosts != null) {
            hosts.close();
        }
    }

    @BeforeEach
    void noMarks() {
        host.exec("sh", "-c", "rm -f /tmp/vmtest-*").assertSuccess();
    }

    private VmMaster master(String owner, boolean spares) {
        return new VmMaster(owner, VmSettings.defaults(WAIT).withSpares(spares),
                (h, port) -> ((SyncReachable) h).forwardToTestJvm(port, Duration.ofSeconds(10)), null, new VmEvents());
    }

    private static VmOptions counted(String name) {
        return VmOptions.named(name).withInitTask(RunMode.ALWAYS,
                () -> VmStopStartIT.mark(VmContext.current().orElseThrow().self().id() + "-init"));
    }

    private int initMarks(Vm vm) {
        return Integer.parseInt(host.exec("sh", "-c", "cat /tmp/vmtest-" + vm.id() + "-init 2>/dev/null | wc -l")
                .stdout().strip());
    }

    /** The spare JVMs of {@code vm}'s class running on the host (not the shells that start them or ask). */
    private int spareProcesses(Vm vm) {
        String pattern = "^[^ ]*java .*" + ((RemoteVm) vm).setup.runDir().replace(".", "[.]")
                + "/token .*multihost[.]vm[.]spare=true";
        return Integer.parseInt(host.exec("sh", "-c", "pgrep -f '" + pattern + "' | wc -l").stdout().strip());
    }

    private static SpareJvm readySpare(Vm vm) {
        await().atMost(WAIT).until(() -> {
            SpareJvm spare = ((RemoteVm) vm).spare;
            return spare != null && spare.hello.isDone() && !spare.hello.isCompletedExceptionally();
        });
        return ((RemoteVm) vm).spare;
    }

    private static void restart(VmMaster vms, Vm vm) {
        vms.stop("test", StopMode.MEAN_KILL, StartMode.ON_DEMAND, VmTarget.id(vm.id()));
        vms.start("test", VmTarget.id(vm.id()));
    }

    @Test
    void aVmStartedAgainIsPromotedFromAFreshSpareThatRanNoTestCodeBefore() {
        try (VmMaster vms = master("spares-promoted", true)) {
            Vm vm = vms.launch(host, 1, counted("promoted")).get(0);
            assertThat(((RemoteVm) vm).spare).as("a VM never restarted has no spare").isNull();
            restart(vms, vm);
            long second = vm.pid();
            vm.run(() -> System.setProperty("vmtest.touched", "yes"));

            SpareJvm spare = readySpare(vm);

            assertThat(spare.pid).isPositive().isNotEqualTo(second);
            assertThat(initMarks(vm)).as("the spare ran no init task while it waited").isEqualTo(2);
            restart(vms, vm);
            assertThat(vm.pid()).isEqualTo(spare.pid);
            assertThat(vm.invoke(() -> ProcessHandle.current().pid())).isEqualTo(spare.pid);
            assertThat(vm.invoke(() -> VmContext.current().orElseThrow().self().pid())).isEqualTo(spare.pid);
            assertThat(vm.invoke(() -> System.getProperty("vmtest.touched"))).as("a fresh JVM").isNull();
            assertThat(initMarks(vm)).as("init tasks ran in the promoted JVM").isEqualTo(3);
            assertThat(vm.logFile()).endsWith(vm.id() + "-" + spare.pid + ".log");
            assertThat(host.exec("grep", "-q", "the spare made ready for this start", vm.logFile()).succeeded()).isTrue();
        }
    }

    @Test
    void aSpareThatDiedIsReplacedByAPlainStart() {
        try (VmMaster vms = master("spares-dead", true)) {
            Vm vm = vms.launch(host, 1, counted("dead-spare")).get(0);
            restart(vms, vm);
            SpareJvm spare = readySpare(vm);
            host.exec("kill", "-9", String.valueOf(spare.pid)).assertSuccess();

            restart(vms, vm);

            assertThat(vm.pid()).isPositive().isNotEqualTo(spare.pid);
            assertThat(vm.invoke(() -> 7)).isEqualTo(7);
        }
    }

    @Test
    void nothingOfASpareOutlivesItsClass() {
        VmMaster vms = master("spares-end", true);
        Vm vm = vms.launch(host, 1, counted("ended")).get(0);
        restart(vms, vm);
        readySpare(vm);
        assertThat(spareProcesses(vm)).isEqualTo(1);

        vms.close();

        await().atMost(WAIT).until(() -> spareProcesses(vm) == 0);
    }

    @Test
    void withSparesOffNoSecondJvmIsStarted() throws InterruptedException {
        try (VmMaster vms = master("spares-off", false)) {
            Vm vm = vms.launch(host, 1, counted("off")).get(0);
            restart(vms, vm);
            restart(vms, vm);

            assertThat(((RemoteVm) vm).spare).isNull();
            assertThat(spareProcesses(vm)).isZero();
            assertThat(vm.invoke(() -> 5)).isEqualTo(5);
        }
    }
}
