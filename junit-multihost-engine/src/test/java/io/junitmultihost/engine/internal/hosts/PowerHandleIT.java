package io.junitmultihost.engine.internal.hosts;

import static io.junitmultihost.api.HostState.POWERED_OFF;
import static io.junitmultihost.api.HostState.READY;
import static io.junitmultihost.api.HostState.REBOOTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.StateWait;
import io.junitmultihost.api.StateWatch;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link Host#power()} on embedded hosts, and the state changes a {@link StateWait} sees from power and from reboots nobody asked for. */
class PowerHandleIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static HostPool pool;
    private static HostLease lease;
    private static List<Host> hosts;
    private static StateWait states;

    @BeforeAll
    static void leaseHosts() {
        pool = HostPool.create(HostSettings.from(Map.of("multihost.embedded.reboot-down-time", "300ms")));
        lease = pool.lease(PowerHandleIT.class.getName(), List.of(new RoleDeclaration("node", 2, 2)));
        hosts = lease.cluster().hosts();
        states = lease.cluster().states();
    }

    @AfterEach
    void everyHostOn() {
        hosts.forEach(h -> h.power().on(WAIT));
    }

    @AfterAll
    static void returnHosts() {
        lease.close();
        pool.close();
    }

    @Test
    void powerOffAndOnAreStatesAWatchSeesAndTheHostBootsAgain() {
        Host host = hosts.get(0);
        String before = host.bootId();
        try (StateWatch watch = states.watch(host, POWERED_OFF, READY)) {
            host.power().off(WAIT);

            assertThat(pool.events().isAbsenceExpected(host.name())).as("off on purpose").isTrue();
            assertThatThrownBy(() -> host.exec(List.of("true"), Duration.ofSeconds(5))).as("nothing answers").isInstanceOf(RuntimeException.class);

            host.power().on(WAIT);

            watch.await(Duration.ofSeconds(5)).assertAllReached();
            assertThat(watch.events()).extracting(HostEvent::to).containsExactly(POWERED_OFF, READY);
        }
        assertThat(pool.events().isAbsenceExpected(host.name())).isFalse();
        assertThat(host.bootId()).isNotEqualTo(before);
    }

    @Test
    void aPowerCycleIsAColdBootWithinItsDeadline() {
        Host host = hosts.get(1);
        String before = host.bootId();
        try (StateWatch watch = states.watch(host, POWERED_OFF, READY)) {
            host.power().cycle(WAIT);

            watch.await(Duration.ofSeconds(5)).assertAllReached();
        }
        assertThat(host.bootId()).isNotEqualTo(before);
    }

    @Test
    void aNewBootIdTheEngineDidNotAskForIsAnUnaskedReboot() {
        Host host = hosts.get(0);
        host.bootId();
        try (StateWatch watch = states.watch(host, REBOOTED)) {
            // Behind the engine's back: the provider's power button, as a crash and a watchdog would.
            RebootMachineIT.control(host).powerOff();
            RebootMachineIT.control(host).powerOn();
            String after = host.bootId();

            watch.await(Duration.ofSeconds(5)).assertAllReached();
            assertThat(watch.events()).singleElement().satisfies(e -> {
                assertThat(e.bootId()).isEqualTo(after);
                assertThat(e.detail()).contains("crashed, was reset or rebooted by itself");
            });
        }
    }

    @Test
    void rebootsTheEngineAsksForAreNotTakenForUnaskedOnes() {
        Host host = hosts.get(1);
        host.bootId();
        try (StateWatch watch = states.watch(host, REBOOTED)) {
            host.awaitReboot(Duration.ofSeconds(60));
            host.power().cycle(WAIT);
            host.bootId();

            assertThat(watch.await(Duration.ofMillis(300)).reached()).isEmpty();
        }
    }
}
