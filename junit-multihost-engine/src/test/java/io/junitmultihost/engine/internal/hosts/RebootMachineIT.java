package io.junitmultihost.engine.internal.hosts;

import static io.junitmultihost.api.HostState.DOWN;
import static io.junitmultihost.api.HostState.PREPARING;
import static io.junitmultihost.api.HostState.READY;
import static io.junitmultihost.api.HostState.REQUESTED;
import static io.junitmultihost.api.HostState.UP;
import static io.junitmultihost.api.HostState.VERIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootOutcome;
import io.junitmultihost.api.RebootResults;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reboot state machine on embedded hosts: every phase, the ways back, and the failures. */
class RebootMachineIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RebootOptions QUICK = RebootOptions.defaults().withUpTimeout(Duration.ofSeconds(30))
            .withDownTimeout(Duration.ofSeconds(20));

    private static HostPool pool;
    private static HostLease lease;
    private static List<Host> hosts;

    @BeforeAll
    static void leaseHosts() {
        pool = HostPool.create(HostSettings.from(Map.of("multihost.embedded.reboot-down-time", "300ms")));
        lease = pool.lease(RebootMachineIT.class.getName(), List.of(new RoleDeclaration("node", 10, 10)));
        hosts = lease.cluster().hosts();
    }

    @AfterAll
    static void returnHosts() {
        lease.close();
        pool.close();
    }

    @Test
    void aRebootGoesThroughEveryStateInOrderWithANewBootIdReadAfresh() {
        Host host = hosts.get(0);
        String before = host.bootId();

        Reboot reboot = host.reboot(QUICK);
        String after = reboot.awaitUp(WAIT);

        assertThat(reboot.oldBootId()).isEqualTo(before);
        assertThat(after).isNotEqualTo(before).isEqualTo(host.bootId());
        assertThat(reboot.history()).extracting(HostEvent::to).containsExactly(PREPARING, REQUESTED, DOWN, UP, VERIFIED, READY);
        assertThat(reboot.history()).extracting(HostEvent::host).containsOnly(host.name());
        assertThat(reboot.history().get(3).bootId()).isEqualTo(after);
        RebootOutcome outcome = reboot.awaitOutcome(Duration.ZERO);
        assertThat(outcome.isReady()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.bootsSeen()).isEqualTo(1);
        assertThat(outcome.oldBootId()).isEqualTo(before);
        assertThat(outcome.newBootId()).contains(after);
    }

    @Test
    void tenHostsRebootAtOnceEachByItsOwnStateMachine() {
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        RebootResults results;
        try (HostEvents.Subscription record = pool.events().subscribe(events::add);
                HostEvents.Subscription hold = holdDownUntilAllAreDown(pool.events(), hosts)) {
            results = lease.cluster().reboot(hosts, Quorum.all(), QUICK);
        }

        assertThat(results.allReady()).isTrue();
        assertThat(results.ready()).containsExactlyElementsOf(hosts);
        assertThat(results.outcomes().values()).allSatisfy(o -> {
            assertThat(o.state()).isEqualTo(READY);
            assertThat(o.newBootId().orElseThrow()).isNotEqualTo(o.oldBootId());
        });
        assertAllWereDownAtOnce(events, hosts);
    }

    /**
     * Powers each host off as it is seen going down, and all of them on again once the last one is
     * down: rebooted one after the other, the first would never come back and the reboot would fail.
     */
    static HostEvents.Subscription holdDownUntilAllAreDown(HostEvents events, List<Host> hosts) {
        Set<String> names = hosts.stream().map(Host::name).collect(Collectors.toSet());
        Set<String> down = ConcurrentHashMap.newKeySet();
        return events.subscribe(e -> {
            if (names.contains(e.host()) && e.to() == DOWN) {
                control(hosts.stream().filter(h -> h.name().equals(e.host())).findFirst().orElseThrow()).powerOff();
                if (down.add(e.host()) && down.size() == names.size()) {
                    CompletableFuture.runAsync(() -> hosts.parallelStream().forEach(h -> control(h).powerOn()));
                }
            }
        });
    }

    /** From the events' own times: every host entered DOWN before any host left it, so all were down at one moment. */
    static void assertAllWereDownAtOnce(List<HostEvent> events, List<Host> hosts) {
        for (Host host : hosts) {
            assertThat(events).as(host.name() + " went down and came up")
                    .anyMatch(e -> e.host().equals(host.name()) && e.to() == DOWN)
                    .anyMatch(e -> e.host().equals(host.name()) && e.to() == UP);
        }
        Set<String> names = hosts.stream().map(Host::name).collect(Collectors.toSet());
        Instant lastDown = events.stream().filter(e -> names.contains(e.host()) && e.to() == DOWN).map(HostEvent::at)
                .max(Comparator.naturalOrder()).orElseThrow();
        Instant firstUp = events.stream().filter(e -> names.contains(e.host()) && e.to() == UP).map(HostEvent::at)
                .min(Comparator.naturalOrder()).orElseThrow();
        assertThat(lastDown).as("the last host went down before the first came back").isBefore(firstUp);
    }

    @Test
    void aHostThatNeverComesBackFailsInTimeNamingPhaseAndWhatWasSeenAndTheOthersAreUnaffected() {
        List<Host> three = hosts.subList(1, 4);
        Host dead = three.get(1);
        try (HostEvents.Subscription off = powerOffWhenDown(dead)) {
            Instant start = Instant.now();

            RebootResults results = lease.cluster().reboot(three, Quorum.of(3, 2, Duration.ofMinutes(1)),
                    QUICK.withUpTimeout(Duration.ofSeconds(2)));

            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
            assertThat(results.ready()).containsExactly(three.get(0), three.get(2));
            RebootOutcome failed = results.outcome(dead.name());
            assertThat(failed.state()).isEqualTo(HostState.FAILED);
            assertThat(failed.lastSeen()).startsWith("Host [" + dead.name() + "] did not come back with a new boot id"
                    + " within [2 s]: phase [DOWN: waiting for a new boot id], last seen [connection refused");
        } finally {
            control(dead).powerOn();
        }
    }

    @Test
    void aHostThatRebootsAgainDuringTheStabilityPeriodIsCaughtAndWaitedFor() {
        Host host = hosts.get(4);
        AtomicBoolean rebootedAgain = new AtomicBoolean();
        try (HostEvents.Subscription again = pool.events().subscribe(e -> {
            if (e.host().equals(host.name()) && e.to() == UP && rebootedAgain.compareAndSet(false, true)) {
                // as fsck may do: the host reboots once more right after coming up
                CompletableFuture.runAsync(() -> host.execShell("reboot"));
            }
        })) {
            Reboot reboot = host.reboot(QUICK.withStableFor(Duration.ofMillis(1500)));
            String after = reboot.awaitUp(WAIT);

            RebootOutcome outcome = reboot.awaitOutcome(Duration.ZERO);
            assertThat(outcome.bootsSeen()).isEqualTo(2);
            assertThat(reboot.history()).extracting(HostEvent::to).containsSubsequence(UP, DOWN, UP, VERIFIED, READY);
            String firstNewBoot = reboot.history().stream().filter(e -> e.to() == UP).findFirst().orElseThrow().bootId();
            assertThat(after).isNotEqualTo(firstNewBoot).isNotEqualTo(reboot.oldBootId()).isEqualTo(host.bootId());
            assertThat(reboot.history().stream().filter(e -> e.from() == UP && e.to() == DOWN).findFirst().orElseThrow()
                    .detail()).startsWith("rebooted again during the stability period of [1.5 s]");
        }
    }

    @Test
    void aHostThatComesBackWithoutTheMagicIsRebootedAgainThenFailed() {
        Host host = hosts.get(5);
        RebootOptions staleBootEntry = QUICK.withMagic(true).withMaxRetries(1).withPrepare((h, attempt) ->
                // the boot loader keeps booting the old entry: a command line without this attempt's magic
                h.execShell("printf 'BOOT_IMAGE=/vmlinuz-old root=/dev/sda1 ro\\n' > \"$MULTIHOST_NEXT_CMDLINE\"")
                        .assertSuccess());

        Reboot reboot = host.reboot(staleBootEntry);

        assertThatThrownBy(() -> reboot.awaitUp(WAIT)).isInstanceOf(RebootException.class)
                .hasMessageStartingWith("Host [" + host.name() + "] came back [2] time(s) but not as asked: the kernel"
                        + " command line [BOOT_IMAGE=/vmlinuz-old root=/dev/sda1 ro] without this boot's magic [multihost.magic=")
                .hasMessageContaining("It is FAILED after [1] retries");
        RebootOutcome outcome = reboot.awaitOutcome(Duration.ZERO);
        assertThat(outcome.state()).isEqualTo(HostState.FAILED);
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(outcome.bootsSeen()).isEqualTo(2);
        assertThat(reboot.history()).extracting(HostEvent::to)
                .containsExactly(PREPARING, REQUESTED, DOWN, UP, PREPARING, REQUESTED, DOWN, UP, HostState.FAILED);
        assertThat(reboot.history().get(4).detail()).contains("without this boot's magic").contains("retry [1] of [1]");
    }

    @Test
    void aWrongBootIsRetriedWithANewMagicAndThenVerified() {
        Host host = hosts.get(6);
        RebootOptions fixedOnRetry = QUICK.withMagic(true).withPrepare((h, attempt) -> h.execShell(attempt.number() == 1
                ? "printf 'BOOT_IMAGE=/vmlinuz-old ro\\n' > \"$MULTIHOST_NEXT_CMDLINE\""
                : "printf 'BOOT_IMAGE=/vmlinuz-new ro %s\\n' '" + attempt.magic().orElseThrow() + "' > \"$MULTIHOST_NEXT_CMDLINE\"")
                .assertSuccess());

        Reboot reboot = host.reboot(fixedOnRetry);
        reboot.awaitUp(WAIT);

        RebootOutcome outcome = reboot.awaitOutcome(Duration.ZERO);
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(host.cmdline()).startsWith("BOOT_IMAGE=/vmlinuz-new ro multihost.magic=");
        assertThat(reboot.history().stream().filter(e -> e.to() == VERIFIED).findFirst().orElseThrow().detail())
                .contains("magic [multihost.magic=");
    }

    @Test
    void theEnginePutsTheMagicOnTheNextCommandLineOfHostsThatOfferIt() throws Exception {
        Host host = hosts.get(7);
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();

        host.reboot(QUICK.withMagic(true).withExpectedKernelRelease(release)).awaitUp(WAIT);
        String first = host.cmdline();
        host.reboot(QUICK.withMagic(true)).awaitUp(WAIT);

        assertThat(first).matches(".*multihost\\.host=" + host.name() + " multihost\\.magic=[0-9a-f]{16}");
        assertThat(host.cmdline()).as("a new magic replaces the old one").matches(".* multihost\\.magic=[0-9a-f]{16}")
                .isNotEqualTo(first).containsOnlyOnce("multihost.magic=");
    }

    @Test
    void aWrongKernelReleaseFailsOnceTheRetriesAreUsedUp() {
        Host host = hosts.get(8);

        Reboot reboot = host.reboot(QUICK.withExpectedKernelRelease("0.0.1-not-this-one").withMaxRetries(0));

        assertThatThrownBy(() -> reboot.awaitUp(WAIT)).isInstanceOf(RebootException.class)
                .hasMessageContaining("where [0.0.1-not-this-one] was expected").hasMessageContaining("after [0] retries");
    }

    @Test
    void aFailingPrepareStepFailsTheRebootWithItsMessageAndNothingIsRebooted() {
        Host host = hosts.get(9);
        String before = host.bootId();

        Reboot reboot = host.reboot(QUICK.withPrepare((h, attempt) -> {
            throw new IllegalStateException("kernel package [linux-image-9.9] not found");
        }));

        assertThatThrownBy(() -> reboot.awaitUp(WAIT)).isInstanceOf(RebootException.class)
                .hasMessage("The prepare step failed on host [" + host.name() + "] (attempt [1]): kernel package"
                        + " [linux-image-9.9] not found");
        assertThat(host.bootId()).isEqualTo(before);
    }

    @Test
    void aTestCommandThatNeverSucceedsFailsTheUpPhase() {
        Host host = hosts.get(0);

        Reboot reboot = host.reboot(QUICK.withTestCommand("test -e /nonexistent/multihost").withVerifyTimeout(Duration.ofSeconds(1)));

        assertThatThrownBy(() -> reboot.awaitUp(WAIT)).isInstanceOf(RebootException.class)
                .hasMessageContaining("its test command [test -e /nonexistent/multihost] did not succeed within [1 s]")
                .hasMessageContaining("phase [UP: checking the new boot]");
    }

    @Test
    void aRebootMadeOnTheHostItselfIsWatchedWithoutSendingACommand() {
        Host host = hosts.get(1);
        String before = host.bootId();

        Reboot reboot = host.reboot(QUICK.withoutCommand());
        host.exec(Command.shell("reboot"));

        assertThat(reboot.awaitUp(WAIT)).isNotEqualTo(before);
        assertThat(reboot.history().get(1).detail()).isEqualTo("expecting a reboot made on the host");
    }

    @Test
    void aCancelledRebootEndsCancelledAndItsWaitersFailAtOnce() {
        Host host = hosts.get(2);
        Reboot reboot = host.reboot(QUICK.withoutCommand());

        reboot.cancel();

        assertThatThrownBy(() -> reboot.awaitUp(Duration.ofSeconds(10))).isInstanceOf(RebootException.class)
                .hasMessage("Host [" + host.name() + "]: the reboot was cancelled by the caller.");
        assertThat(reboot.state()).isEqualTo(HostState.CANCELLED);
    }

    private static HostEvents.Subscription powerOffWhenDown(Host host) {
        return pool.events().subscribe(e -> {
            if (e.host().equals(host.name()) && e.to() == DOWN) {
                control(host).powerOff();
            }
        });
    }

    static io.junitmultihost.spi.HostControl control(Host host) {
        return ((RemoteHost) host).control().orElseThrow();
    }
}
