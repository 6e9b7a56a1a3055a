package io.junitmultihost.jupiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.jupiter.JupiterInjection;
import io.junitmultihost.engine.fixtures.jupiter.JupiterShort;
import io.junitmultihost.engine.fixtures.jupiter.JupiterWithoutHosts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

class MultiHostExtensionTest {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void jupiterTestsGetHostsInjectedInTestsParameterizedTestsLifecycleMethodsConstructorsAndNestedClasses() {
        EngineExecutionResults results = jupiter(JupiterInjection.class).execute();

        results.testEvents().assertStatistics(s -> s.succeeded(4).failed(1));
        assertThat(Recorder.events()).contains("beforeAll 3", "test up clients=2 constructor=3",
                "parameterized 1 host-2", "parameterized 2 host-3", "nested host-1", "afterAll");
        assertThat(Recorder.events()).filteredOn(e -> e.startsWith("beforeEach")).hasSize(5)
                .allMatch(e -> e.equals("beforeEach host-1"));
    }

    @Test
    void aHostOfARoleWithTwoHostsFailsWithAParameterResolutionErrorThatSaysWhatToWrite() {
        EngineExecutionResults results = jupiter(JupiterInjection.class).execute();

        results.testEvents().assertThatEvents().haveExactly(1, event(test("oneHostOfTwo"), finishedWithFailure(
                instanceOf(ParameterResolutionException.class),
                message(m -> m.contains("asks for the single host of role [client], but the role has [2] hosts")))));
    }

    @Test
    void aJupiterClassShortOfHostsIsSkippedWithTheReasonNeverFailed() {
        // A system property, as -Dmultihost.embedded.max-hosts=1 would be: the Jupiter-only test kit
        // runs no junit-multihost discovery that could tell the extension about launcher parameters.
        System.setProperty("multihost.embedded.max-hosts", "1");
        EngineExecutionResults results;
        try {
            results = jupiter(JupiterShort.class).enableImplicitConfigurationParameters(true).execute();
        } finally {
            System.clearProperty("multihost.embedded.max-hosts");
        }

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(JupiterShort.class),
                skippedWithReason(r -> r.startsWith("Class [" + JupiterShort.class.getName()
                        + "] needs at least [2] hosts for role [pair] (count [2]), but provider [embedded] can give at most [1]"))));
        results.allEvents().assertStatistics(s -> s.failed(0));
        assertThat(Recorder.events()).isEmpty();
    }

    @Test
    void aMultiHostClassWithoutHostsFailsSayingWhatToAdd() {
        EngineExecutionResults results = jupiter(JupiterWithoutHosts.class).execute();

        results.containerEvents().assertThatEvents().haveExactly(1, event(container(JupiterWithoutHosts.class),
                finishedWithFailure(instanceOf(ConfigurationException.class), message(m -> m.contains(
                        "uses @MultiHost but neither it nor an enclosing class declares hosts")))));
    }

    private static EngineTestKit.Builder jupiter(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass));
    }
}
