package io.junitmultihost.engine.internal.hosts;

import static io.junitmultihost.api.HostState.DOWN;
import static io.junitmultihost.api.HostState.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.StateWait;
import io.junitmultihost.api.StateWaitResult;
import io.junitmultihost.api.StateWatch;
import io.junitmultihost.engine.internal.events.AbsenceListener;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Waiting for hosts' states as events (Emulab's StateWait) on embedded hosts. */
class StateWaitIT {

    private static final RebootOptions QUICK = RebootOptions.defaults().withUpTimeout(Duration.ofSeconds(30));

    private static HostPool pool;
    private static HostLease lease;
    private static List<Host> hosts;
    private static StateWait states;

    @BeforeAll
    static void leaseHosts() {
        pool = HostPool.create(HostSettings.from(Map.of("multihost.embedded.reboot-down-time", "300ms")));
        lease = pool.lease(StateWaitIT.class.getName(), List.of(new RoleDeclaration("node", 3, 3)));
        hosts = lease.cluster().hosts();
        states = lease.cluster().states();
    }

    @AfterAll
    static void returnHosts() {
        lease.close();
        pool.close();
    }

    @Test
    void aWatchMadeBeforeActingSeesEveryHostGoDownThenComeUp() {
        try (StateWatch watch = states.watch(hosts, DOWN, READY)) {
            hosts.forEach(h -> h.reboot(QUICK));

            StateWaitResult result = watch.await(Duration.ofSeconds(60)).assertAllReached();

            assertThat(result.reached()).containsExactlyInAnyOrder("host-1", "host-2", "host-3");
            assertThat(result.complete()).isTrue();
            assertThat(result.lastState()).containsOnlyKeys("host-1", "host-2", "host-3").containsValues(READY);
            assertThat(watch.events()).extracting(HostEvent::host).contains("host-1", "host-2", "host-3");
        }
    }

    @Test
    void aWaitReturnsTheResultsSoFarWhenItsTimePassesAndCanBeCalledAgain() {
        try (StateWatch watch = states.watch(hosts.get(0), DOWN, READY)) {
            StateWaitResult early = watch.await(Duration.ofMillis(200));

            assertThat(early.complete()).isFalse();
            assertThat(early.pending()).containsExactly("host-1");
            assertThat(early.cancelled()).isFalse();
            assertThatThrownBy(early::assertAllReached).isInstanceOf(RebootException.class)
                    .hasMessageStartingWith("[1] of [1] hosts did not go through [DOWN, READY] within [")
                    .hasMessageContaining("host-1: last state [none seen]");

            hosts.get(0).reboot(QUICK);
            assertThat(watch.await(Duration.ofSeconds(60)).allReached()).isTrue();
        }
    }

    @Test
    void progressIsHandedOverPeriodicallyWhileWaiting() {
        List<StateWaitResult> progress = new CopyOnWriteArrayList<>();
        try (StateWatch watch = states.watch(hosts.get(1), READY)) {
            hosts.get(1).reboot(QUICK.withStableFor(Duration.ofSeconds(1)));

            StateWaitResult result = watch.await(Duration.ofSeconds(60), Duration.ofMillis(100), progress::add);

            assertThat(result.allReached()).isTrue();
            assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p.reached()).isEmpty());
        }
    }

    @Test
    void aHostThatWillNotMakeItIsReportedFailedWithTheReason() {
        Host host = hosts.get(2);
        try (StateWatch watch = states.watch(host, READY);
                HostEvents.Subscription off = pool.events().subscribe(e -> {
                    if (e.host().equals(host.name()) && e.to() == DOWN) {
                        RebootMachineIT.control(host).powerOff();
                    }
                })) {
            host.reboot(QUICK.withUpTimeout(Duration.ofSeconds(1)));

            StateWaitResult result = watch.await(Duration.ofSeconds(30));

            assertThat(result.complete()).isTrue();
            assertThat(result.failed()).containsOnlyKeys("host-3");
            assertThat(result.failed().get("host-3")).contains("did not come back with a new boot id within [1 s]");
            assertThat(result.lastState()).containsEntry("host-3", HostState.FAILED);
        } finally {
            RebootMachineIT.control(host).powerOn();
        }
    }

    @Test
    void cancellingAWatchReturnsItsWaiterAtOnce() throws Exception {
        StateWatch watch = states.watch(hosts, READY);
        CompletableFuture<StateWaitResult> waiting = CompletableFuture.supplyAsync(() -> watch.await(Duration.ofMinutes(5)));
        Thread.sleep(100);
        Instant start = Instant.now();

        watch.cancel();

        StateWaitResult result = waiting.get(10, TimeUnit.SECONDS);
        assertThat(result.cancelled()).isTrue();
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void eventsFromOtherSourcesEnterThroughTheSameStream() {
        try (StateWatch watch = states.watch(hosts.get(0), HostState.UP)) {
            pool.events().publish(HostEvents.event("host-1", null, HostState.UP, null, "a process on the host said so"));

            assertThat(watch.await(Duration.ofSeconds(5)).reached()).containsExactly("host-1");
        }
    }

    @Test
    void aWatchOfAHostTheTestDoesNotHoldOrOfNoStateIsAConfigurationError() {
        Host stranger = hosts.get(0);
        StateWait others = new io.junitmultihost.engine.internal.events.EventStateWait(pool.events(), List.of("host-9"),
                new io.junitmultihost.engine.internal.events.VmEvents());

        assertThatThrownBy(() -> others.watch(stranger, READY)).isInstanceOf(ConfigurationException.class)
                .hasMessage("Host [host-1] is not one of this test's hosts [host-9]; watch only hosts the test holds.");
        assertThatThrownBy(() -> states.watch(stranger)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("A state watch needs at least one state to wait for");
    }

    @Test
    void theAbsenceOfAHostTheEngineRebootsIsExpectedUntilItIsBack() {
        Host host = hosts.get(1);
        List<String> told = new CopyOnWriteArrayList<>();
        List<Boolean> expectedWhileDown = new CopyOnWriteArrayList<>();
        try (HostEvents.Subscription absences = pool.events().onAbsence(new AbsenceListener() {
                    @Override
                    public void absenceExpected(String name, String reason) {
                        told.add("away " + name + " (" + reason + ")");
                    }

                    @Override
                    public void absenceEnded(String name, HostState how) {
                        told.add("back " + name + " " + how);
                    }
                });
                HostEvents.Subscription down = pool.events().subscribe(e -> {
                    if (e.host().equals(host.name()) && e.to() == DOWN) {
                        expectedWhileDown.add(pool.events().isAbsenceExpected(host.name()));
                    }
                })) {
            Reboot reboot = host.reboot(QUICK);
            reboot.awaitUp(Duration.ofSeconds(60));

            assertThat(told).containsExactly("away host-2 (reboot requested)", "back host-2 READY");
            assertThat(expectedWhileDown).containsExactly(true);
            assertThat(pool.events().isAbsenceExpected(host.name())).isFalse();
        }
    }
}
