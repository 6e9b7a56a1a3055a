package io.junitmultihost.engine.internal.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.MultiHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private final List<String> stopped = new CopyOnWriteArrayList<>();

    @Test
    void closingStopsStageByStageNewestFirstAndNamesWhatHadToBeCancelled() {
        Owner owner = Owner.standalone("class [A]");
        owner.register(Stage.FORWARDS, "forward 1", BOUND, () -> stopped.add("forward 1"));
        owner.register(Stage.SYNC, "sync", BOUND, () -> stopped.add("sync"));
        owner.register(Stage.PROCESSES, "command 1", BOUND, () -> stopped.add("command 1"));
        owner.register(Stage.ACTIONS, "reboot", BOUND, () -> stopped.add("reboot"));
        owner.register(Stage.FORWARDS, "forward 2", BOUND, () -> stopped.add("forward 2"));

        Owner.Ending ending = owner.closing();

        assertThat(stopped.subList(0, 3)).containsExactly("reboot", "command 1", "sync");
        assertThat(stopped.subList(3, 5)).containsExactlyInAnyOrder("forward 1", "forward 2");
        assertThat(ending.cancelled()).containsExactly("reboot", "command 1");
        assertThat(ending.closed()).containsExactly("sync", "forward 2", "forward 1");
        assertThat(ending.leftBehind()).isEmpty();
    }

    @Test
    void whatEndedOnItsOwnIsNeitherStoppedNorNamed() {
        Owner owner = Owner.standalone("class [A]");
        Owned command = owner.register(Stage.PROCESSES, "command 1", BOUND, () -> stopped.add("command 1"));

        command.done();
        command.done();

        assertThat(owner.holds()).isEmpty();
        assertThat(owner.closing().cancelled()).isEmpty();
        assertThat(stopped).isEmpty();
    }

    @Test
    void whatEndedUnseenIsStillStoppedButNamedClosedNotCancelled() {
        Owner owner = Owner.standalone("class [A]");
        // a detached process that exited (or died in a reboot) with nobody asking: only a probe knows
        owner.register(Stage.PROCESSES, "process 1", BOUND, () -> stopped.add("process 1"), () -> false);
        owner.register(Stage.PROCESSES, "process 2", BOUND, () -> stopped.add("process 2"), () -> true);
        owner.register(Stage.PROCESSES, "process 3", BOUND, () -> stopped.add("process 3"), () -> {
            throw new MultiHostException("host unreachable");
        });

        Owner.Ending ending = owner.closing();

        assertThat(stopped).as("its files are cleaned up all the same")
                .containsExactlyInAnyOrder("process 1", "process 2", "process 3");
        assertThat(ending.cancelled()).as("what may still run").containsExactlyInAnyOrder("process 2", "process 3");
        assertThat(ending.closed()).containsExactly("process 1");
    }

    @Test
    void whatTheClassLeftRunningToItsEndIsEndedNotCancelledWhileWhatItStillWaitedOnIsCancelled() {
        Owner owner = Owner.standalone("class [A]");
        owner.registerLeftToTheEnd(Stage.PROCESSES, "server", BOUND, () -> stopped.add("server"), () -> true);
        owner.registerLeftToTheEnd(Stage.PROCESSES, "exited", BOUND, () -> stopped.add("exited"), () -> false);
        owner.register(Stage.PROCESSES, "command", BOUND, () -> stopped.add("command"));

        Owner.Ending ending = owner.closing();

        assertThat(stopped).containsExactlyInAnyOrder("server", "exited", "command");
        assertThat(ending.ended()).containsExactly("server");
        assertThat(ending.cancelled()).containsExactly("command");
        assertThat(ending.closed()).containsExactly("exited");
    }

    @Test
    void cancellingTheRunEndsWhatTheClassLeftRunningWithoutCountingItAsCancelled() {
        Owner owner = Owner.standalone("class [A]");
        owner.registerLeftToTheEnd(Stage.PROCESSES, "server", BOUND, () -> stopped.add("server"), () -> true);
        owner.register(Stage.PROCESSES, "command", BOUND, () -> stopped.add("command"));

        assertThat(owner.cancelInFlight()).containsExactly("command");
        assertThat(stopped).containsExactlyInAnyOrder("server", "command");
    }

    @Test
    void whatEndsWhileAnEarlierStageStopsIsNotCancelledAgain() {
        Owner owner = Owner.standalone("class [A]");
        Owned command = owner.register(Stage.PROCESSES, "command 1", BOUND, () -> stopped.add("command 1"));
        owner.register(Stage.ACTIONS, "fan-out call", BOUND, () -> {
            stopped.add("fan-out call");
            command.done(); // interrupting the call ended its command
        });

        Owner.Ending ending = owner.closing();

        assertThat(ending.cancelled()).containsExactly("fan-out call");
        assertThat(stopped).containsExactly("fan-out call");
    }

    @Test
    void cancellingStopsOnlyWhatWasInFlightSoThatTheCleanUpItsClassStartsMeanwhileRuns() {
        Owner owner = Owner.standalone("class [A]");
        List<Owned> cleanUp = new CopyOnWriteArrayList<>();
        owner.register(Stage.ACTIONS, "reboot", BOUND, () -> {
            stopped.add("reboot");
            // the test wakes up and its after-all method starts a command before the next stage is stopped
            cleanUp.add(owner.register(Stage.PROCESSES, "clean-up command", BOUND, () -> stopped.add("clean-up command")));
        });
        owner.register(Stage.PROCESSES, "sleep command", BOUND, () -> stopped.add("sleep command"));

        List<String> cancelled = owner.cancelInFlight();

        assertThat(cancelled).containsExactly("reboot", "sleep command");
        assertThat(stopped).containsExactly("reboot", "sleep command");
        assertThat(owner.holds()).containsExactly("clean-up command");
    }

    @Test
    void aClosedOwnerRefusesToStartAnythingNew() {
        Owner owner = Owner.standalone("class [A]");
        owner.close();

        assertThatThrownBy(() -> owner.register(Stage.PROCESSES, "command [sleep 1] on host [h]", BOUND, () -> { }))
                .isInstanceOf(MultiHostException.class)
                .hasMessage("Cannot start command [sleep 1] on host [h]: class [A] has ended, and what it starts ends"
                        + " with it. Start it while its tests run.");
    }

    @Test
    void somethingThatDoesNotStopWithinItsBoundIsLeftBehindAndTheNextStagesStillRun() {
        Owner owner = Owner.standalone("class [A]");
        CountDownLatch never = new CountDownLatch(1);
        owner.register(Stage.ACTIONS, "stuck call", Duration.ofMillis(200), never::await);
        owner.register(Stage.FORWARDS, "forward", BOUND, () -> stopped.add("forward"));

        Owner.Ending ending = owner.closing();

        assertThat(ending.leftBehind()).containsExactly("stuck call");
        assertThat(stopped).containsExactly("forward");
        never.countDown();
    }

    @Test
    void aFailingStopIsLoggedAndTheOthersStillStop() {
        Owner owner = Owner.standalone("class [A]");
        owner.register(Stage.PROCESSES, "bad", BOUND, () -> {
            throw new IllegalStateException("boom");
        });
        owner.register(Stage.PROCESSES, "good", BOUND, () -> stopped.add("good"));

        Owner.Ending ending = owner.closing();

        assertThat(ending.cancelled()).containsExactly("good", "bad");
        assertThat(stopped).containsExactly("good");
    }

    @Test
    void theRunClosesTheOwnersOfClassesStillRunning() {
        Owner run = Owner.standalone("the run");
        Owner finished = run.child("class [A]");
        Owner running = run.child("class [B]");
        running.register(Stage.PROCESSES, "command", BOUND, () -> stopped.add("command"));
        finished.close();

        Owner.Ending ending = run.closing();

        assertThat(ending.cancelled()).containsExactly("class [B]");
        assertThat(running.isClosed()).isTrue();
        assertThat(stopped).containsExactly("command");
    }

    @Test
    void theRunsOwnerStopsWhatAClassLeftRunningWhenTheJvmExits(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RunOwnerMain.class.getName(), marker.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();

        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM exited").isTrue();
        assertThat(jvm.exitValue()).isEqualTo(3);
        assertThat(marker).hasContent("stopped");
        assertThat(Files.readString(dir.resolve("out")))
                .contains("The run ended with class [A] still running; cancelling it.")
                .contains("Class [A] ended with command [sleep 100] on host [h] still running; cancelling it.");
    }

    @Test
    void somethingHandedToTheRunOnPurposeOutlivesItsClassAndEndsWithTheRun() {
        Owner run = Owner.standalone("the run");
        Owner owner = run.child("class [A]");
        Owned shared = owner.register(Stage.PROCESSES, "shared server", BOUND, () -> stopped.add("shared server"));

        shared.handTo(run);
        owner.close();

        assertThat(stopped).isEmpty();
        assertThat(run.holds()).containsExactly("shared server");
        run.close();
        assertThat(stopped).containsExactly("shared server");
    }
}
