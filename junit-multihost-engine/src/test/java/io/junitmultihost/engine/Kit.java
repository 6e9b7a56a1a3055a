package io.junitmultihost.engine;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.internal.MultiHostTestEngine;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes on the engine through the test kit. */
final class Kit {

    private Kit() {
    }

    static EngineTestKit.Builder engine() {
        return EngineTestKit.engine(MultiHostTestEngine.ENGINE_ID)
                .configurationParameter("multihost.embedded.reboot-down-time", "300ms");
    }

    static EngineExecutionResults run(Class<?>... classes) {
        EngineTestKit.Builder kit = engine();
        for (Class<?> c : classes) {
            kit.selectors(selectClass(c));
        }
        return kit.execute();
    }
}
