package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;

import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.foreign.ApiAnnotationsOnJupiterClass;
import io.junitmultihost.engine.fixtures.foreign.HostsWithoutMultiHost;
import io.junitmultihost.engine.fixtures.foreign.JupiterAnnotationsOnEngineClass;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoveryIssue;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineDiscoveryResults;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * No annotation of the other engine is ignored without a word: Jupiter's {@code @Tag},
 * {@code @DisplayName} and {@code @Disabled} on an engine class are honoured; Jupiter's
 * {@code @Test} and lifecycle annotations there, hosts on a Jupiter class without
 * {@code @MultiHost}, and the API's annotations on a {@code @MultiHost} class are reported as
 * discovery issues naming the annotation to use.
 */
class ForeignAnnotationsTest {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void jupitersDisplayNameAndTagAreHonouredOnAnEngineClassAndItsMethods() {
        TestDescriptor testClass = single(discover(JupiterAnnotationsOnEngineClass.class).getEngineDescriptor().getChildren());

        assertThat(testClass.getDisplayName()).isEqualTo("A class named the Jupiter way");
        assertThat(testClass.getTags()).containsExactly(TestTag.create("jupiter-class-tag"));
        TestDescriptor named = testClass.getChildren().stream().filter(d -> d.getLegacyReportingName().equals("named()"))
                .findFirst().orElseThrow();
        assertThat(named.getDisplayName()).isEqualTo("a test named the Jupiter way");
        assertThat(named.getTags()).contains(TestTag.create("jupiter-method-tag"));
    }

    @Test
    void jupitersDisabledSkipsAnEngineTestWithItsReason() {
        EngineExecutionResults results = Kit.run(JupiterAnnotationsOnEngineClass.class);

        results.testEvents().assertThatEvents().haveExactly(1,
                event(test("disabled"), skippedWithReason("disabled the Jupiter way")));
        assertThat(Recorder.events()).containsExactly("named");
    }

    @Test
    void jupitersTestAndLifecycleAnnotationsOnAnEngineClassAreReportedNamingTheEnginesOwn() {
        List<DiscoveryIssue> issues = discover(JupiterAnnotationsOnEngineClass.class).getDiscoveryIssues();

        assertThat(issues).anySatisfy(issue -> {
            assertThat(issue.severity()).isEqualTo(DiscoveryIssue.Severity.WARNING);
            assertThat(issue.message()).contains("jupiterTest()", "@org.junit.jupiter.api.Test",
                    "@io.junitmultihost.api.MultiHostTest", "@io.junitmultihost.jupiter.MultiHost");
            assertThat(issue.source()).contains(MethodSource.from(JupiterAnnotationsOnEngineClass.class.getName(),
                    "jupiterTest", ""));
        }).anySatisfy(issue -> assertThat(issue.message()).contains("jupiterSetUp()", "@BeforeEach",
                "@io.junitmultihost.api.MultiHostBeforeEach"));
        assertThat(issues).hasSize(2);
    }

    @Test
    void hostsOnAJupiterClassWithoutMultiHostAreReportedNamingMultiHost() {
        for (EngineDiscoveryResults results : List.of(discover(HostsWithoutMultiHost.class),
                Kit.engine().selectors(selectPackage(HostsWithoutMultiHost.class.getPackageName())).discover())) {
            assertThat(results.getEngineDescriptor().getChildren()).extracting(TestDescriptor::getLegacyReportingName)
                    .doesNotContain(HostsWithoutMultiHost.class.getName());
            assertThat(results.getDiscoveryIssues()).filteredOn(i -> i.source().equals(
                    java.util.Optional.of(ClassSource.from(HostsWithoutMultiHost.class)))).singleElement()
                    .satisfies(issue -> assertThat(issue.message()).contains(HostsWithoutMultiHost.class.getName(),
                            "@io.junitmultihost.jupiter.MultiHost", "without hosts"));
        }
    }

    @Test
    void theApisTagDisplayNameAndDisabledOnAMultiHostClassAreReportedNamingJupitersOwn() {
        EngineDiscoveryResults results = discover(ApiAnnotationsOnJupiterClass.class);

        assertThat(results.getEngineDescriptor().getChildren()).isEmpty();
        assertThat(results.getDiscoveryIssues()).extracting(DiscoveryIssue::message)
                .anySatisfy(m -> assertThat(m).contains("class [" + ApiAnnotationsOnJupiterClass.class.getName() + "]",
                        "@io.junitmultihost.api.Tag", "@org.junit.jupiter.api.Tag"))
                .anySatisfy(m -> assertThat(m).contains("named()", "@org.junit.jupiter.api.DisplayName"))
                .anySatisfy(m -> assertThat(m).contains("disabled()", "@org.junit.jupiter.api.Disabled"))
                .hasSize(3);
    }

    private static EngineDiscoveryResults discover(Class<?> testClass) {
        return Kit.engine().selectors(selectClass(testClass)).discover();
    }

    private static TestDescriptor single(java.util.Set<? extends TestDescriptor> descriptors) {
        assertThat(descriptors).hasSize(1);
        return descriptors.iterator().next();
    }
}
