package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Hosts;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.Role;
import io.junitmultihost.api.StateWait;
import io.junitmultihost.api.StateWatch;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.SyncResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;

/**
 * A distributed test case in which one system reboots, the TETware way (TETware knowledge base
 * article 16): system 1 is this test JVM, system 2 a host. A process started on system 2 syncs
 * with the test, then reboots its own host; the test waits for system 2 to come back, starts a new
 * process there and waits for its result, with a remsync at each step.
 */
@Hosts(@Role(name = "system2", count = 1))
class DistributedRebootTest {

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Duration BACK = Duration.ofMinutes(2);

    @MultiHostTest
    void aProcessOnSystemTwoRebootsItAndANewProcessRunsThereAfterwards(@Role("system2") Host system2,
            Sync sync, StateWait states) {
        String mhSync = sync.script(system2);
        install(system2, "before-reboot.sh");
        install(system2, "after-reboot.sh");
        List<String> system2Only = List.of(system2.name());

        // Subscribe before acting: the watch sees system 2 go down and come back.
        try (StateWatch watch = states.watch(system2, HostState.DOWN, HostState.READY)) {
            // tet_remexec: a process on system 2, then remsync(N) with it.
            system2.exec(Command.shell("nohup sh before-reboot.sh \"$MH\" > before-reboot.log 2>&1 &")
                    .withEnv("MH", mhSync)).assertSuccess();
            sync.remsync("started", system2Only, STEP);

            // The engine watches for the reboot the process makes (nothing is sent): the old boot id
            // is read now, so the reboot cannot be missed, and system 2's absence is expected.
            Reboot reboot = system2.reboot(RebootOptions.defaults().withoutCommand().withTestCommand("true"));

            // remsync(N+1): the go-ahead; the process reboots its host.
            sync.remsync("reboot-now", system2Only, STEP);

            // TETware's ping/sleep loop: wait until system 2 runs a new boot and answers again.
            String newBoot = reboot.awaitUp(BACK);
            watch.await(BACK).assertAllReached();

            // tet_remexec + tet_remwait: a new process on system 2 reports its result at a syncpoint.
            system2.exec(Command.shell("nohup sh after-reboot.sh \"$MH\" > after-reboot.log 2>&1 &")
                    .withEnv("MH", mhSync)).assertSuccess();
            SyncResult result = sync.remsync("result", system2Only, STEP);

            assertThat(newBoot).isNotEqualTo(reboot.oldBootId());
            assertThat(result.message()).hasValueSatisfying(
                    m -> assertThat(m.text()).isEqualTo("after the reboot on " + newBoot));
        }
    }

    private static void install(Host host, String program) {
        try (InputStream in = DistributedRebootTest.class.getResourceAsStream("/programs/" + program)) {
            host.exec(Command.of("tee", program).withStdin(in.readAllBytes())).assertSuccess();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read test resource [" + program + "]", e);
        }
    }
}
