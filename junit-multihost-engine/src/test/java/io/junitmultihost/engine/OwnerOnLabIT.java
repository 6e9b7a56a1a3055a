package io.junitmultihost.engine;

import io.junitmultihost.engine.internal.hosts.MustNotSkip;
import io.junitmultihost.engine.internal.MultiHostTestEngine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.engine.fixtures.LeavesWorkRunningFixture;
import io.junitmultihost.engine.fixtures.RebootsAfterTheFirstFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;


/**
 * Two classes in a row on the same two lab hosts: what the first leaves running (a reboot in
 * flight, a reboot in a hanging prepare step, a fan-out call past its deadline, a background
 * command behind a sync forward) ends with it, as seen on the hosts by the second, whose reboots
 * go undisturbed.
 */
class OwnerOnLabIT {

    @Test
    void nothingAClassLeftRunningOutlivesItAndTheNextClassRebootsTheSameHostsUndisturbed() {
        MustNotSkip.requireLab();
        Recorder.clear();

        EngineExecutionResults results = EngineTestKit.engine(MultiHostTestEngine.ENGINE_ID)
                .configurationParameter("multihost.provider", "lab")
                .configurationParameter("multihost.lab.hosts", "2")
                .configurationParameter("multihost.lab.down-time", "1s")
                .selectors(selectClass(LeavesWorkRunningFixture.class), selectClass(RebootsAfterTheFirstFixture.class))
                .execute();

        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        List<String> events = Recorder.events();
        assertThat(events.get(0)).startsWith("old boot ");
        String oldBoot = events.get(0).substring("old boot ".length());
        assertThat(events.subList(1, 4)).containsExactly("forwards before 1", "fan-out past its deadline", "left running");
        assertThat(events.get(4)).as("the reboot in flight was brought to its end, not left half done")
                .startsWith("boot now ").isNotEqualTo("boot now " + oldBoot);
        assertThat(events.subList(5, 7)).as("checked on each host with ps and ss")
                .allSatisfy(e -> assertThat(e).endsWith(" sleeps 0, forwards 0"));
        assertThat(events.subList(7, events.size())).containsExactly("rebooted 2 of 2");
        Reboot inFlight = LeavesWorkRunningFixture.reboots.get(0);
        Reboot hanging = LeavesWorkRunningFixture.reboots.get(1);
        assertThat(inFlight.history()).extracting(HostEvent::to).contains(HostState.UP);
        assertThat(inFlight.state()).isIn(HostState.CANCELLED, HostState.READY);
        assertThat(hanging.state()).isEqualTo(HostState.CANCELLED);
        assertThat(hanging.history()).extracting(HostEvent::to).doesNotContain(HostState.REQUESTED);
    }
}
