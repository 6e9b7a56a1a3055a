package io.junitmultihost.engine.internal.hosts;

import static io.junitmultihost.api.HostState.DOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.api.QuorumException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootResults;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rebooting many embedded hosts under a quorum; a scaled-down twin of the lab's 85-of-100 tests. */
class QuorumRebootIT {

    /** Long enough that only the quorum, never a host's own deadline, ends these waits. */
    private static final RebootOptions PATIENT = RebootOptions.defaults().withUpTimeout(Duration.ofMinutes(2));

    private static HostPool pool;
    private static HostLease lease;
    private static Cluster cluster;
    private static List<Host> hosts;

    @BeforeAll
    static void leaseHosts() {
        pool = HostPool.create(HostSettings.from(Map.of("multihost.embedded.reboot-down-time", "300ms",
                "multihost.embedded.max-hosts", "20")));
        lease = pool.lease(QuorumRebootIT.class.getName(), List.of(new RoleDeclaration("node", 20, 20)));
        cluster = lease.cluster();
        hosts = cluster.hosts();
    }

    @AfterAll
    static void returnHosts() {
        lease.close();
        pool.close();
    }

    @AfterEach
    void everyHostPoweredOn() {
        hosts.forEach(h -> RebootMachineIT.control(h).powerOn());
    }

    @Test
    void withThreeOfTwentyPoweredOffTheRebootGoesOnWithSeventeenAfterTheCountdown() {
        Set<String> off = Set.of("host-4", "host-9", "host-17");
        try (HostEvents.Subscription power = powerOffWhenDown(off)) {
            Instant start = Instant.now();

            RebootResults results = cluster.reboot(hosts, Quorum.of(20, 17, Duration.ofSeconds(2)), PATIENT);

            Duration took = Duration.between(start, Instant.now());
            assertThat(results.ready()).hasSize(17).noneMatch(h -> off.contains(h.name()));
            assertThat(results.missing()).containsExactly("host-4", "host-9", "host-17");
            assertThat(results.outcome("host-9").state()).as("the state it was left in").isEqualTo(DOWN);
            assertThat(results.outcome("host-9").lastSeen()).isEqualTo("connection refused: sshd is not listening");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(60));
        }
    }

    @Test
    void belowTheMinimumAtTheDeadlineTheRebootFailsNamingEveryMissingHostAndItsState() {
        List<Host> five = hosts.subList(0, 5);
        try (HostEvents.Subscription power = powerOffWhenDown(Set.of("host-2", "host-5"))) {
            Instant start = Instant.now();

            assertThatThrownBy(() -> cluster.reboot(five, Quorum.of(5, 4, Duration.ofSeconds(1))
                    .withDeadline(Duration.ofSeconds(6)), PATIENT))
                    .isInstanceOf(QuorumException.class)
                    .hasMessageStartingWith("Only [3] of [5] hosts rebooted, below the quorum's minimum [4] (target [5])"
                            + " within [6 s]. Missing: [host-2: DOWN (connection refused: sshd is not listening)],"
                            + " [host-5: DOWN (connection refused: sshd is not listening)].")
                    .satisfies(e -> assertThat(((QuorumException) e).results().ready()).hasSize(3));
            assertThat(Duration.between(start, Instant.now())).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(30));
        }
    }

    @Test
    void whenTooManyHostsFailedTheQuorumFailsAtOnceWithoutWaitingForItsDeadline() {
        List<Host> four = hosts.subList(5, 9);
        try (HostEvents.Subscription power = powerOffWhenDown(Set.of("host-6", "host-7"))) {
            Instant start = Instant.now();

            assertThatThrownBy(() -> cluster.reboot(four, Quorum.of(4, 3, Duration.ZERO).withDeadline(Duration.ofMinutes(5)),
                    PATIENT.withUpTimeout(Duration.ofSeconds(2))))
                    .isInstanceOf(QuorumException.class)
                    .hasMessageContaining("below the quorum's minimum [3] (target [4]) and [2] can no longer make it")
                    .hasMessageContaining("[host-6: FAILED (Host [host-6] did not come back with a new boot id within [2 s]");
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void reachingTheTargetEndsTheWaitAtOnce() {
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        RebootResults results;
        Instant released;
        // host-13 is held down: only the target of 2, not the third host nor the 5-minute countdown, can end the wait.
        try (HostEvents.Subscription record = pool.events().subscribe(events::add);
                HostEvents.Subscription power = powerOffWhenDown(Set.of("host-13"))) {
            results = cluster.reboot(hosts.subList(10, 13), Quorum.of(2, 1, Duration.ofMinutes(5)), PATIENT);
            released = Instant.now();
        }

        assertThat(results.ready()).extracting(Host::name).containsExactly("host-11", "host-12");
        assertThat(results.missing()).containsExactly("host-13");
        assertThat(results.outcome("host-13").state()).as("still down when the wait ended").isEqualTo(DOWN);
        Instant targetReached = events.stream().filter(e -> e.to() == HostState.READY && !e.host().equals("host-13"))
                .map(HostEvent::at)
                .sorted().skip(1).findFirst().orElseThrow();
        assertThat(Duration.between(targetReached, released)).as("from the second host READY to the end of the wait,"
                + " against a countdown of 5 minutes").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aQuorumTheHostsCannotMeetOrHostsNotOfTheTestAreRefusedBeforeAnythingReboots() {
        String before = hosts.get(0).bootId();

        assertThatThrownBy(() -> cluster.reboot(hosts.subList(0, 2), Quorum.of(3, 2, Duration.ZERO)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("A quorum with target [3] cannot be met by [2] hosts; lower the target or give more hosts.");
        assertThat(hosts.get(0).bootId()).isEqualTo(before);
    }

    private static HostEvents.Subscription powerOffWhenDown(Set<String> names) {
        return pool.events().subscribe(e -> {
            if (names.contains(e.host()) && e.to() == DOWN) {
                RebootMachineIT.control(cluster.host(e.host())).powerOff();
            }
        });
    }
}
