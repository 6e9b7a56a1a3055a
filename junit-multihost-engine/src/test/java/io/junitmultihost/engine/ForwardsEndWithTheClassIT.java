package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.fixtures.FindsNoForwardsLeftFixture;
import io.junitmultihost.engine.fixtures.LeavesForwardsOpenFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.internal.MultiHostTestEngine;
import io.junitmultihost.engine.internal.hosts.MustNotSkip;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Two classes in a row on one lab host: the forwards the first leaves open end with it. */
class ForwardsEndWithTheClassIT {

    @Test
    void theForwardsAClassLeavesOpenAreClosedWhenItEnds() throws IOException {
        MustNotSkip.requireLab();
        Recorder.clear();
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            LeavesForwardsOpenFixture.target = target;

            EngineExecutionResults results = EngineTestKit.engine(MultiHostTestEngine.ENGINE_ID)
                    .configurationParameter("multihost.provider", "lab")
                    .configurationParameter("multihost.lab.hosts", "1")
                    .selectors(selectClass(LeavesForwardsOpenFixture.class), selectClass(FindsNoForwardsLeftFixture.class))
                    .execute();

            results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
            assertThat(Recorder.events()).containsExactly("local forward reads SSH-2.0", "remote forward listens 1",
                    "same host true", "local forward refuses", "remote forward listens 0");
        }
    }
}
