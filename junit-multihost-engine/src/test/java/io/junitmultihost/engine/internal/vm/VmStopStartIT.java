package io.junitmultihost.engine.internal.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.DynamicActionException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.ProcessEnd;
import io.junitmultihost.api.RunMode;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmContext;
import io.junitmultihost.api.VmInfo;
import io.junitmultihost.api.VmInvocationException;
import io.junitmultihost.api.VmNotFoundException;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.VmTarget;
import io.junitmultihost.api.Vms;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hydra's ClientVmMgr semantics on real JVMs on a lab host: every stop mode, checked from the host
 * (is the process there, how it exited, which of shutdown hooks, close tasks and the disconnect
 * hook ran), every start mode, one action per VM, self-stops and the deadlock refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VmStopStartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private VmTestHosts hosts;
    private Vms vms;
    private Host host;

    @BeforeAll
    void startLab() {
        hosts = VmTestHosts.lab(VmStopStartIT.class, 1);
        host = hosts.hosts().get(0);
        vms = hosts.vms();
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

    /** Writes a line to {@code /tmp/vmtest-<name>} on the host of the VM it runs in. */
    static void mark(String name) {
        try {
            Files.writeString(Path.of("/tmp/vmtest-" + name), VmContext.current().orElseThrow().self().pid() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static VmOptions watched(String name) {
        return VmOptions.named(name)
                .withInitTask(RunMode.ALWAYS, () -> {
                    String id = VmContext.current().orElseThrow().self().id();
                    mark(id + "-init");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> mark(id + "-shutdown-hook")));
                })
                .withCloseTask(RunMode.ALWAYS, () -> mark(VmContext.current().orElseThrow().self().id() + "-close"))
                .withDisconnectHook(() -> mark(VmContext.current().orElseThrow().self().id() + "-disconnect"));
    }

    private int marks(Vm vm, String what) {
        return host.exec("sh", "-c", "cat /tmp/vmtest-" + vm.id() + "-" + what + " 2>/dev/null | wc -l").stdout()
                .strip().isEmpty() ? 0 : Integer.parseInt(host.exec("sh", "-c", "cat /tmp/vmtest-" + vm.id() + "-"
                + what + " 2>/dev/null | wc -l").stdout().strip());
    }

    private boolean runsOnHost(long pid) {
        return host.exec("sh", "-c", "kill -0 " + pid).succeeded();
    }

    private static OptionalEnd endOf(Vm vm) {
        return new OptionalEnd(((RemoteVm) vm).process.end().orElse(null));
    }

    private record OptionalEnd(ProcessEnd end) {
        Integer exitCode() {
            return end == null || end.exitCode().isEmpty() ? null : end.exitCode().getAsInt();
        }
    }

    @Test
    void meanKillEndsTheJvmWithSignalNineAndNothingRunsAndOnDemandWaitsForAStart() {
        Vm vm = vms.launch(host, 1, watched("mean-kill")).get(0);
        long pid = vm.pid();
        String firstLog = vm.logFile();

        VmInfo stopped = vms.stop("test", StopMode.MEAN_KILL, StartMode.ON_DEMAND, VmTarget.id(vm.id()));

        assertThat(stopped.id()).isEqualTo(vm.id());
        assertThat(vm.isRunning()).isFalse();
        assertThat(vm.pid()).isEqualTo(-1);
        assertThat(runsOnHost(pid)).isFalse();
        assertThat(marks(vm, "shutdown-hook")).as("no shutdown hook after kill -9").isZero();
        assertThat(marks(vm, "close")).isZero();
        assertThat(marks(vm, "disconnect")).isZero();
        assertThatThrownBy(() -> vm.invoke(() -> 1)).isInstanceOf(DynamicActionException.class)
                .hasMessageContaining("takes no invocation: it is stopped");

        VmInfo started = vms.start("again", VmTarget.id(vm.id()));

        assertThat(started.pid()).isPositive().isNotEqualTo(pid);
        assertThat(vm.invoke(() -> VmContext.current().orElseThrow().self().id())).isEqualTo(vm.id());
        assertThat(vm.logFile()).isNotEqualTo(firstLog).endsWith(vm.id() + "-" + started.pid() + ".log");
        assertThat(host.exec("test", "-s", firstLog).succeeded()).as("the first start's log is kept").isTrue();
        assertThat(marks(vm, "init")).as("init task of run mode ALWAYS ran at both starts").isEqualTo(2);
    }

    @Test
    void niceKillSendsTermSoShutdownHooksRunButNoCloseTaskOrDisconnectHook() {
        Vm vm = vms.launch(host, 1, watched("nice-kill")).get(0);
        long pid = vm.pid();

        vms.stop("test", StopMode.NICE_KILL, StartMode.ON_DEMAND, VmTarget.id(vm.id()));

        assertThat(runsOnHost(pid)).isFalse();
        assertThat(endOf(vm).exitCode()).as("128 + SIGTERM").isEqualTo(143);
        assertThat(marks(vm, "shutdown-hook")).isEqualTo(1);
        assertThat(marks(vm, "close")).isZero();
        assertThat(marks(vm, "disconnect")).isZero();
    }

    @Test
    void meanExitFinishesTheRunningInvocationAndCloseTasksButSkipsTheDisconnectHook() throws Exception {
        Vm vm = vms.launch(host, 1, watched("mean-exit")).get(0);
        long pid = vm.pid();
        CompletableFuture<String> running = vm.invokeAsync(() -> {
            Thread.sleep(1500);
            return "finished";
        }, WAIT);
        Thread.sleep(300); // the invocation is under way; the stop must wait for it

        vms.stop("test", StopMode.MEAN_EXIT, StartMode.ON_DEMAND, VmTarget.id(vm.id()));

        assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("finished");
        assertThat(runsOnHost(pid)).isFalse();
        assertThat(endOf(vm).exitCode()).as("System.exit(0)").isZero();
        assertThat(marks(vm, "close")).isEqualTo(1);
        assertThat(marks(vm, "disconnect")).isZero();
        assertThat(marks(vm, "shutdown-hook")).isEqualTo(1);
    }

    @Test
    void niceExitRunsCloseTasksAndTheDisconnectHookThenExits() {
        Vm vm = vms.launch(host, 1, watched("nice-exit")).get(0);
        long pid = vm.pid();

        vms.stop("test", StopMode.NICE_EXIT, StartMode.ON_DEMAND, VmTarget.id(vm.id()));

        assertThat(runsOnHost(pid)).isFalse();
        assertThat(endOf(vm).exitCode()).isZero();
        assertThat(marks(vm, "close")).isEqualTo(1);
        assertThat(marks(vm, "disconnect")).isEqualTo(1);
    }

    @Test
    void niceDisconnectRunsTheHookAndKeepsTheJvmWhichAStartTakesBack() {
        Vm vm = vms.launch(host, 1, watched("disconnect")).get(0);
        long pid = vm.pid();

        vms.stop("test", StopMode.NICE_DISCONNECT, StartMode.ON_DEMAND, VmTarget.id(vm.id()));

        assertThat(vm.isRunning()).isFalse();
        assertThat(runsOnHost(pid)).as("the JVM stays up").isTrue();
        assertThat(marks(vm, "disconnect")).isEqualTo(1);
        assertThatThrownBy(() -> vm.invoke(() -> 1)).isInstanceOf(DynamicActionException.class)
                .hasMessageContaining("NICE_DISCONNECT");

        vms.start("back", VmTarget.id(vm.id()));

        assertThat(vm.pid()).isEqualTo(pid);
        assertThat(vm.invoke(() -> 41 + 1)).isEqualTo(42);
        assertThat(marks(vm, "init")).isEqualTo(2);
    }

    @Test
    void immediateRestartsAtOnceAndASynchronousStopReturnsBeforeTheRestart() {
        Vm vm = vms.launch(host, 1, VmOptions.named("immediate")).get(0);
        long pid = vm.pid();

        vms.stop("test", StopMode.MEAN_KILL, StartMode.IMMEDIATE, VmTarget.id(vm.id()));

        await().atMost(WAIT).until(vm::isRunning);
        assertThat(vm.pid()).isNotEqualTo(pid);
        assertThat(vm.invoke(() -> "up")).isEqualTo("up");
    }

    @Test
    void aDelayedStartWaitsItsDelayAndNeverStaysStopped() {
        Vm delayed = vms.launch(host, 1, VmOptions.named("delayed")).get(0);
        Vm never = vms.launch(host, 1, VmOptions.named("never")).get(0);

        long stoppedAt = System.nanoTime();
        vms.stop("test", StopMode.MEAN_KILL, StartMode.after(Duration.ofSeconds(2)), VmTarget.id(delayed.id()));
        vms.stop("test", StopMode.MEAN_KILL, StartMode.NEVER, VmTarget.id(never.id()));

        await().atMost(WAIT).until(delayed::isRunning);
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> vms.start("try", VmTarget.id(never.id()))).isInstanceOf(VmNotFoundException.class)
                .hasMessageContaining(never.id()).hasMessageContaining("start mode NEVER");
    }

    @Test
    void aVmIsTheTargetOfOneActionAtATimeAndTheRefusalSaysWhy() throws Exception {
        Vm vm = vms.launch(host, 1, VmOptions.named("busy").withCloseTask(RunMode.ALWAYS, () -> Thread.sleep(2000)))
                .get(0);

        CompletableFuture<VmInfo> first = vms.stopAsync("first", StopMode.MEAN_EXIT, StartMode.ON_DEMAND,
                VmTarget.id(vm.id()));

        assertThatThrownBy(() -> vms.stop("second", VmTarget.id(vm.id()))).isInstanceOf(VmNotFoundException.class)
                .hasMessageContaining(vm.id()).hasMessageContaining("is the target of [stop by the test JVM for [first]]");
        assertThat(first.get(60, TimeUnit.SECONDS).id()).isEqualTo(vm.id());
        assertThatThrownBy(() -> vms.stop("third", VmTarget.name("no-such-vm"))).isInstanceOf(VmNotFoundException.class)
                .hasMessageContaining("none matches the target");
    }

    @Test
    void aVmMayStopItselfAndStartOnlyOthersAndKnowsTheRunsVms() {
        List<Vm> pair = vms.launch(host, 2, VmOptions.named("selfish"));
        Vm self = pair.get(0);
        Vm other = pair.get(1);
        String otherId = other.id();
        String selfId = self.id();

        assertThat(self.invoke(() -> VmContext.current().orElseThrow().vms().otherVmIds())).contains(otherId)
                .doesNotContain(selfId);
        assertThat(self.invoke(() -> VmContext.current().orElseThrow().vms().pid(otherId))).isEqualTo(other.pid());
        assertThatThrownBy(() -> self.invoke(() -> VmContext.current().orElseThrow().vms()
                .stop("me", StopMode.NICE_EXIT, StartMode.ON_DEMAND)))
                .isInstanceOf(VmInvocationException.class).hasRootCauseInstanceOf(DynamicActionException.class)
                .hasMessageContaining("cannot stop itself synchronously with NICE_EXIT");

        CompletableFuture<VmInfo> suicide = self.invokeAsync(() -> VmContext.current().orElseThrow().vms()
                .stop("me", StopMode.MEAN_KILL, StartMode.ON_DEMAND), WAIT);

        assertThatThrownBy(() -> suicide.get(60, TimeUnit.SECONDS)).hasMessageContaining("MEAN_KILL by VM [" + selfId);
        await().atMost(WAIT).until(() -> !self.isRunning());
        assertThatThrownBy(() -> other.invoke(() -> VmContext.current().orElseThrow().vms()
                .start("me", VmTarget.id(otherId)))).isInstanceOf(VmInvocationException.class)
                .hasMessageContaining("a VM cannot start itself");

        VmInfo restarted = other.invoke(() -> VmContext.current().orElseThrow().vms().start("you", VmTarget.id(selfId)));

        assertThat(restarted.id()).isEqualTo(self.id());
        assertThat(self.isRunning()).isTrue();
    }

    @Test
    void twoVmsStoppingEachOtherSynchronouslyFailTheSecondCallAtOnceNamingBoth() throws Exception {
        List<Vm> pair = vms.launch(host, 2, VmOptions.named("rival"));
        Vm a = pair.get(0);
        Vm b = pair.get(1);
        String aId = a.id();
        String bId = b.id();
        CompletableFuture<VmInfo> bStopsA = b.invokeAsync(() -> {
            while (!Files.exists(Path.of("/tmp/vmtest-go"))) {
                Thread.sleep(20);
            }
            return VmContext.current().orElseThrow().vms().stop("b stops a", StopMode.NICE_EXIT, StartMode.ON_DEMAND,
                    VmTarget.id(aId));
        }, WAIT);
        CompletableFuture<VmInfo> aStopsB = a.invokeAsync(() -> VmContext.current().orElseThrow().vms()
                .stop("a stops b", StopMode.NICE_EXIT, StartMode.ON_DEMAND, VmTarget.id(bId)), WAIT);
        await().atMost(WAIT).until(() -> ((RemoteVm) b).state == RemoteVm.State.STOPPING);

        host.exec("touch", "/tmp/vmtest-go").assertSuccess();

        assertThatThrownBy(() -> bStopsA.get(60, TimeUnit.SECONDS))
                .hasMessageContaining("Deadlock refused: VM [" + bId + "] asked to stop VM [" + aId + "]");
        assertThat(aStopsB.get(60, TimeUnit.SECONDS).id()).isEqualTo(bId);
        assertThat(a.isRunning()).isTrue();
        assertThat(b.isRunning()).isFalse();
    }

    @Test
    void everyStopAndStartIsAnEventAStateWaitCanWaitFor() {
        Vm vm = vms.launch(host, 1, VmOptions.named("eventful")).get(0);
        long pid = vm.pid();

        try (io.junitmultihost.api.VmWatch watch = hosts.states().watchVms(List.of(vm),
                io.junitmultihost.api.VmEvent.Kind.STOPPED, io.junitmultihost.api.VmEvent.Kind.STARTED)) {
            vms.stop("chaos", StopMode.MEAN_KILL, StartMode.IMMEDIATE, VmTarget.id(vm.id()));

            List<io.junitmultihost.api.VmEvent> events = watch.await(WAIT).get(vm.id());

            assertThat(events).extracting(io.junitmultihost.api.VmEvent::kind).containsExactly(
                    io.junitmultihost.api.VmEvent.Kind.STOPPED, io.junitmultihost.api.VmEvent.Kind.STARTED);
            assertThat(events.get(0)).satisfies(stop -> {
                assertThat(stop.mode()).isEqualTo("MEAN_KILL");
                assertThat(stop.by()).isEqualTo("the test JVM");
                assertThat(stop.reason()).isEqualTo("chaos");
                assertThat(stop.oldPid()).isEqualTo(pid);
                assertThat(stop.newPid()).isEqualTo(-1);
            });
            assertThat(events.get(1).oldPid()).isEqualTo(pid);
            assertThat(events.get(1).newPid()).isEqualTo(vm.pid()).isNotEqualTo(pid);
        }
        try (io.junitmultihost.api.VmWatch nothing = hosts.states().watchVms(List.of(vm),
                io.junitmultihost.api.VmEvent.Kind.STOPPED)) {
            assertThatThrownBy(() -> nothing.await(Duration.ofMillis(300)))
                    .hasMessageContaining("did not go through [STOPPED] within [300 ms]: " + vm.id() + " saw []");
        }
    }
}
