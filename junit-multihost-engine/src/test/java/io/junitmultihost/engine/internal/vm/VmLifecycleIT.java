package io.junitmultihost.engine.internal.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.DynamicActionException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.RunMode;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmInfo;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.VmTarget;
import io.junitmultihost.api.Vms;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote JVMs across the events of a run on real lab hosts: a reboot of their host, actions while
 * others keep working, the end of their class, and a test JVM killed with SIGKILL.
 */
class VmLifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aRebootEndsTheJvmsWithTheReasonAndTheyRestartPerTheirRestartMode() {
        try (VmTestHosts hosts = VmTestHosts.lab(VmLifecycleIT.class, 1)) {
            Host host = hosts.hosts().get(0);
            Vms vms = hosts.vms();
            Vm restarting = vms.launch(host, 1, VmOptions.named("phoenix").withRestartMode(StartMode.IMMEDIATE)).get(0);
            Vm staying = vms.launch(host, 1, VmOptions.named("ashes")).get(0);
            long before = restarting.pid();

            host.reboot().awaitUp(WAIT);

            await().atMost(WAIT).until(() -> restarting.isRunning() && restarting.pid() != before);
            assertThat(restarting.invoke(() -> "back")).isEqualTo("back");
            await().atMost(WAIT).until(() -> !staying.isRunning());
            assertThatThrownBy(() -> staying.invoke(() -> 1)).isInstanceOf(DynamicActionException.class)
                    .hasMessageContaining("ended by a reboot of its host");
            assertThat(vms.start("after the reboot", VmTarget.id(staying.id())).pid()).isPositive();
        }
    }

    @Test
    void asynchronousActionsLeaveTheCallersInvocationsGoingOn() throws Exception {
        try (VmTestHosts hosts = VmTestHosts.lab(VmLifecycleIT.class, 1)) {
            Host host = hosts.hosts().get(0);
            Vms vms = hosts.vms();
            Vm worker = vms.launch(host, 1, VmOptions.named("worker")).get(0);
            Vm victim = vms.launch(host, 1, VmOptions.named("victim")).get(0);
            long victimPid = victim.pid();

            CompletableFuture<VmInfo> stop = vms.stopAsync("chaos", StopMode.MEAN_KILL, StartMode.IMMEDIATE,
                    VmTarget.id(victim.id()));
            List<Integer> results = new ArrayList<>();
            while (!(stop.isDone() && victim.isRunning() && victim.pid() != victimPid)) {
                int i = results.size();
                results.add(worker.invoke(() -> i * 2));
            }

            assertThat(stop.get(10, TimeUnit.SECONDS).id()).isEqualTo(victim.id());
            assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r % 2).isZero());
            assertThat(victim.invoke(() -> "restarted")).isEqualTo("restarted");
        }
    }

    @Test
    void theEndOfTheClassRunsCloseTasksOfRunModeOnceAndLeavesNoJvmOnTheHost() {
        try (VmTestHosts hosts = VmTestHosts.lab(VmLifecycleIT.class, 1)) {
            Host host = hosts.hosts().get(0);
            List<Vm> launched = hosts.vms().launch(host, 2, VmOptions.named("ending")
                    .withCloseTask(RunMode.ONCE, () -> Files.writeString(Path.of("/tmp/vmtest-end-"
                            + ProcessHandle.current().pid()), "closed"))
                    .withCloseTask(RunMode.DYNAMIC, () -> Files.writeString(Path.of("/tmp/vmtest-dynamic"), "wrong")));
            host.exec("sh", "-c", "rm -f /tmp/vmtest-*").assertSuccess();

            hosts.endClass();

            Host same = hosts.leaseAgain("checker");
            for (Vm vm : launched) {
                assertThat(same.exec("cat", "/tmp/vmtest-end-" + vm.pid()).stdout()).isEqualTo("closed");
            }
            assertThat(same.exec("test", "-e", "/tmp/vmtest-dynamic").succeeded()).isFalse();
            assertThat(same.exec("sh", "-c", "pgrep -f '[V]mAgent' || true").stdout()).isBlank();
            assertThatThrownBy(() -> hosts.vms().launch(host, 1, VmOptions.named("late")))
                    .isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void jvmsWhoseTestJvmWasKilledExitByThemselvesWithinTheirLease(@TempDir Path dir) throws Exception {
        try (VmTestHosts hosts = VmTestHosts.lab(VmLifecycleIT.class, 1)) {
            Host host = hosts.hosts().get(0);
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"), OrphanedVmsMain.class.getName()));
            Map<String, String> settings = VmTestHosts.inventoryOf(host, dir);
            settings.forEach((k, v) -> command.add(k + "=" + v));
            Process controller = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
            List<String> pids = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(controller.getInputStream(),
                    StandardCharsets.UTF_8))) {
                CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> out.lines()
                        .filter(l -> l.startsWith("PIDS ")).findFirst().orElse("none"));
                String found = line.get(120, TimeUnit.SECONDS);
                assertThat(found).startsWith("PIDS ");
                pids.addAll(List.of(found.substring(5).split(" ")));
                assertThat(host.exec("sh", "-c", "kill -0 " + String.join(" ", pids)).succeeded()).isTrue();

                controller.destroyForcibly(); // SIGKILL: no shutdown hook of the controller runs
                controller.waitFor(30, TimeUnit.SECONDS);
            } finally {
                controller.destroyForcibly();
            }

            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    host.exec("sh", "-c", "for p in " + String.join(" ", pids) + "; do kill -0 $p 2>/dev/null && exit 1;"
                            + " done; exit 0").succeeded());
            System.out.println("Orphaned VMs gone " + (System.nanoTime() - killed) / 1_000_000 + " ms after SIGKILL");
            assertThat(host.exec("sh", "-c", "pgrep -f '[V]mAgent' || true").stdout()).isBlank();
        }
    }
}
