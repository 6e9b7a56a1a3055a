package io.junitmultihost.engine.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 * A test JVM killed with SIGKILL while its fault is in force: the host lifts the fault by itself
 * at its end (its own timer), leaving its ruleset as it was and nothing running.
 */
class FaultsEndOnTheHostWhenTheTestJvmIsKilledIT {

    private static final Duration LONG = Duration.ofMinutes(2);

    @Test
    void aHostLiftsTheFaultOfAKilledTestJvmByItselfAtItsEnd(@TempDir Path dir) throws Exception {
        try (VmTestHosts lab = VmTestHosts.lab(FaultsEndOnTheHostWhenTheTestJvmIsKilledIT.class, 2)) {
            Host cut = lab.hosts().get(0);
            Host other = lab.hosts().get(1);
            String rulesBefore = cut.execShell("nft list ruleset").assertSuccess().stdout();
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"), ImposeAndHangMain.class.getName(), "fault.seconds=6",
                    "multihost.report.dir=none"));
            VmTestHosts.inventoryOf(cut, dir).forEach((k, v) -> command.add(k + "=" + v));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> said = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                CompletableFuture<Boolean> imposed = CompletableFuture.supplyAsync(() -> out.lines().peek(said::add)
                        .anyMatch(line -> line.startsWith("IMPOSED ")));
                assertThat(imposed.get(2, TimeUnit.MINUTES)).as("the child JVM said: " + said).isTrue();
                assertThat(reaches(other, cut)).as("the fault is in force").isFalse();
                child.destroyForcibly(); // SIGKILL: nothing of the child's runs any more
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            long killed = System.nanoTime();
            assertThat(reaches(other, cut)).as("still in force after the test JVM died").isFalse();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> reaches(other, cut));
            System.out.printf("The host lifted the fault %d ms after its test JVM was killed%n",
                    (System.nanoTime() - killed) / 1_000_000);
            assertThat(cut.execShell("nft list ruleset").assertSuccess().stdout()).isEqualTo(rulesBefore);
            assertThat(cut.execShell("ls -A /run/junit-multihost-faults; ps -eo args | grep -c '[t]imer /run/junit-multihost-faults'")
                    .stdout().strip()).as("files and timers left").isEqualTo("0");
        }
    }

    private static boolean reaches(Host from, Host to) {
        return from.exec(List.of("timeout", "1", "bash", "-c", "exec 3<>/dev/tcp/" + to.address() + "/22"), LONG)
                .exitCode() == 0;
    }
}
