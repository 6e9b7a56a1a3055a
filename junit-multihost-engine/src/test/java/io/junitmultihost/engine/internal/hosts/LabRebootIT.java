package io.junitmultihost.engine.internal.hosts;

import static io.junitmultihost.api.HostState.DOWN;
import static io.junitmultihost.api.HostState.PREPARING;
import static io.junitmultihost.api.HostState.READY;
import static io.junitmultihost.api.HostState.REQUESTED;
import static io.junitmultihost.api.HostState.UP;
import static io.junitmultihost.api.HostState.VERIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.api.QuorumException;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reboots of real OpenSSH hosts on the lab (root, Linux): 1, 10 and 100 hosts, a host that never
 * comes back, one that reboots twice, one that keeps coming back without the magic, 15 of 100
 * powered off under a quorum of 85, and a quorum missed. One lab of 100 hosts serves every test.
 * Fails when the lab cannot run here on CI or as root ({@link MustNotSkip}); skips, saying why, elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabRebootIT {

    private static final Logger LOG = LoggerFactory.getLogger(LabRebootIT.class);
    private static final int HOSTS = 100;
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final RebootOptions QUICK = RebootOptions.defaults().withDownTimeout(Duration.ofSeconds(60))
            .withUpTimeout(Duration.ofSeconds(90));

    private HostPool pool;
    private HostLease lease;
    private Cluster cluster;
    private List<Host> hosts;

    @BeforeAll
    void startLab() {
        MustNotSkip.requireLab();
        try {
            pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab",
                    "multihost.lab.hosts", Integer.toString(HOSTS), "multihost.lab.max-hosts", Integer.toString(HOSTS),
                    "multihost.lab.down-time", "1s", "multihost.hosts.timeout", "5m")));
            lease = pool.lease(LabRebootIT.class.getName(), List.of(new RoleDeclaration("node", HOSTS, HOSTS)));
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
        cluster = lease.cluster();
        hosts = cluster.hosts();
    }

    @AfterEach
    void everyHostUp() {
        hosts.parallelStream().forEach(h -> RebootMachineIT.control(h).powerOn());
    }

    @AfterAll
    void closeLab() {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void oneHostRebootsThroughEveryStateWithANewBootId() {
        Host host = hosts.get(0);
        String before = host.bootId();

        Reboot reboot = host.reboot(QUICK);
        String after = reboot.awaitUp(WAIT);

        assertThat(after).isNotEqualTo(before).isEqualTo(host.bootId());
        assertThat(reboot.history()).extracting(HostEvent::to).containsExactly(PREPARING, REQUESTED, DOWN, UP, VERIFIED, READY);
        assertThat(reboot.history().get(2).detail()).as("seen going down by the session on the old boot")
                .startsWith("the session waiting on the old boot");
        assertThat(host.execShell("ps -e -o comm= | grep -c sleep || true").stdout().strip())
                .as("no process of the old boot survived").isEqualTo("0");
    }

    @Test
    void theKernelReleaseAndAFreshMagicAreVerifiedOnTheNewBoot() throws Exception {
        Host host = hosts.get(1);
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();

        Reboot reboot = host.reboot(QUICK.withMagic(true).withExpectedKernelRelease(release));
        reboot.awaitUp(WAIT);

        assertThat(host.cmdline()).matches(".* multihost\\.magic=[0-9a-f]{16}");
        assertThat(reboot.history().stream().filter(e -> e.to() == VERIFIED).findFirst().orElseThrow().detail())
                .isEqualTo("kernel release [" + release + "] as expected, magic ["
                        + host.cmdline().substring(host.cmdline().indexOf("multihost.magic=")) + "] on the kernel command line");
    }

    @Test
    void tenHostsRebootInParallel() {
        List<Host> ten = hosts.subList(10, 20);
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        Instant start = Instant.now();
        RebootResults results;
        try (HostEvents.Subscription record = pool.events().subscribe(events::add);
                HostEvents.Subscription hold = RebootMachineIT.holdDownUntilAllAreDown(pool.events(), ten)) {
            results = cluster.reboot(ten, Quorum.all(), QUICK);
        }

        assertThat(results.allReady()).isTrue();
        RebootMachineIT.assertAllWereDownAtOnce(events, ten);
        LOG.info("10 lab hosts rebooted in [{}].", Duration.between(start, Instant.now()));
    }

    @Test
    void aHundredHostsRebootInParallel() {
        Instant start = Instant.now();

        RebootResults results = cluster.reboot(hosts, Quorum.all(), QUICK);

        Duration took = Duration.between(start, Instant.now());
        assertThat(results.allReady()).isTrue();
        assertThat(results.outcomes().values()).allSatisfy(o -> assertThat(o.newBootId().orElseThrow()).isNotEqualTo(o.oldBootId()));
        assertThat(took).isLessThan(Duration.ofSeconds(90));
        LOG.info("100 lab hosts rebooted in [{}].", took);
    }

    @Test
    void aHostThatNeverComesBackFailsInTimeAndTheOthersAreUnaffected() {
        List<Host> three = hosts.subList(20, 23);
        Host dead = three.get(1);
        try (HostEvents.Subscription off = powerOffWhenDown(Set.of(dead.name()))) {
            Instant start = Instant.now();

            RebootResults results = cluster.reboot(three, Quorum.of(3, 2, Duration.ofMinutes(5)),
                    QUICK.withUpTimeout(Duration.ofSeconds(5)));

            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(40));
            assertThat(results.ready()).containsExactly(three.get(0), three.get(2));
            assertThat(results.outcome(dead.name()).state()).isEqualTo(HostState.FAILED);
            assertThat(results.outcome(dead.name()).lastSeen()).startsWith("Host [" + dead.name() + "] did not come back"
                    + " with a new boot id within [5 s]: phase [DOWN: waiting for a new boot id], last seen [connection timed out")
                    .as("what the host's console last printed, read on this machine").contains(" Last lines of its console:\n  ");
        }
    }

    @Test
    void aHostThatRebootsTwiceIsCaughtByTheStabilityPeriod() {
        Host host = hosts.get(30);
        AtomicBoolean again = new AtomicBoolean();
        try (HostEvents.Subscription fsck = pool.events().subscribe(e -> {
            if (e.host().equals(host.name()) && e.to() == UP && again.compareAndSet(false, true)) {
                CompletableFuture.runAsync(() -> host.execShell("reboot"));
            }
        })) {
            Reboot reboot = host.reboot(QUICK.withStableFor(Duration.ofSeconds(4)));
            String after = reboot.awaitUp(WAIT);

            RebootOutcome outcome = reboot.awaitOutcome(Duration.ZERO);
            assertThat(outcome.bootsSeen()).isEqualTo(2);
            assertThat(reboot.history()).extracting(HostEvent::to).containsSubsequence(UP, DOWN, UP, VERIFIED, READY);
            assertThat(after).isEqualTo(host.bootId());
        }
    }

    @Test
    void aHostThatComesBackWithTheWrongMagicIsRetriedThenFailed() {
        Host host = hosts.get(31);
        Reboot reboot = host.reboot(QUICK.withMagic(true).withMaxRetries(1).withPrepare((h, attempt) ->
                h.execShell("printf 'BOOT_IMAGE=/boot/vmlinuz-stale root=/dev/lab ro\\n' > \"$MULTIHOST_NEXT_CMDLINE\"")
                        .assertSuccess()));

        assertThatThrownBy(() -> reboot.awaitUp(WAIT)).isInstanceOf(RebootException.class)
                .hasMessageContaining("came back [2] time(s) but not as asked: the kernel command line"
                        + " [BOOT_IMAGE=/boot/vmlinuz-stale root=/dev/lab ro] without this boot's magic");
        assertThat(reboot.awaitOutcome(Duration.ZERO).attempts()).isEqualTo(2);
        assertThat(reboot.history()).extracting(HostEvent::to).containsSubsequence(UP, PREPARING, REQUESTED, DOWN, UP,
                HostState.FAILED);
    }

    @Test
    void withFifteenOfAHundredPoweredOffTheRebootGoesOnWithEightyFiveAfterTheCountdown() {
        Set<String> off = IntStream.range(0, 15).mapToObj(i -> hosts.get(3 + i * 6).name()).collect(Collectors.toSet());
        try (HostEvents.Subscription power = powerOffWhenDown(off)) {
            Instant start = Instant.now();

            RebootResults results = cluster.reboot(hosts, Quorum.of(100, 85, Duration.ofSeconds(3)), QUICK);

            Duration took = Duration.between(start, Instant.now());
            assertThat(results.ready()).hasSize(85).noneMatch(h -> off.contains(h.name()));
            assertThat(results.missing()).containsExactlyInAnyOrderElementsOf(off);
            assertThat(results.missing()).allSatisfy(m -> assertThat(results.outcome(m).state()).isEqualTo(DOWN));
            assertThat(took).as("decided by the countdown, not the hosts' 90 s deadline").isLessThan(Duration.ofSeconds(80));
            LOG.info("100 lab hosts, 15 powered off: went on with 85 after [{}].", took);
        }
    }

    @Test
    void belowTheMinimumTheRebootFailsNamingEveryMissingHostAndItsState() {
        List<Host> ten = hosts.subList(40, 50);
        Set<String> off = Set.of(ten.get(2).name(), ten.get(5).name(), ten.get(7).name());
        try (HostEvents.Subscription power = powerOffWhenDown(off)) {
            assertThatThrownBy(() -> cluster.reboot(ten, Quorum.of(10, 8, Duration.ofSeconds(1))
                    .withDeadline(Duration.ofSeconds(20)), QUICK))
                    .isInstanceOf(QuorumException.class)
                    .hasMessageStartingWith("Only [7] of [10] hosts rebooted, below the quorum's minimum [8] (target [10])"
                            + " within [20 s]. Missing: [" + ten.get(2).name() + ": DOWN (connection timed out")
                    .hasMessageContaining("[" + ten.get(5).name() + ": DOWN (")
                    .hasMessageContaining("[" + ten.get(7).name() + ": DOWN (");
        }
    }

    private HostEvents.Subscription powerOffWhenDown(Set<String> names) {
        return pool.events().subscribe(e -> {
            if (names.contains(e.host()) && e.to() == DOWN) {
                RebootMachineIT.control(cluster.host(e.host())).powerOff();
            }
        });
    }
}
