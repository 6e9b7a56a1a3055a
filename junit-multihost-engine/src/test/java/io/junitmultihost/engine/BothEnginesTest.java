package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import io.junitmultihost.engine.fixtures.CountingProviderFactory;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.jupiter.JupiterShort;
import io.junitmultihost.engine.fixtures.mixed.EngineStyle;
import io.junitmultihost.engine.fixtures.mixed.JupiterStyle;
import io.junitmultihost.engine.fixtures.mixed.PlainJupiter;
import io.junitmultihost.engine.internal.MultiHostTestEngine;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

class BothEnginesTest {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void everyTestRunsExactlyOnceOnExactlyOneEngineWhenBothEnginesRunTogether() {
        LauncherRun run = LauncherRun.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(EngineStyle.class.getPackageName())).build());

        assertThat(run.tests()).allSatisfy(t ->
                assertThat(t.result().getStatus()).as(t.identifier().getDisplayName())
                        .isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
        Map<String, Long> runsById = run.tests().stream()
                .collect(Collectors.groupingBy(t -> t.identifier().getUniqueId(), Collectors.counting()));
        assertThat(runsById.values()).containsOnly(1L);
        Map<String, Set<String>> enginesByMethod = run.tests().stream().collect(Collectors.groupingBy(
                t -> method(t.identifier().getSource().map(MethodSource.class::cast).orElseThrow()),
                Collectors.mapping(LauncherRun.Outcome::engine, Collectors.toSet())));
        assertThat(enginesByMethod).containsOnly(
                Map.entry("EngineStyle.first", Set.of(MultiHostTestEngine.ENGINE_ID)),
                Map.entry("EngineStyle.second", Set.of(MultiHostTestEngine.ENGINE_ID)),
                Map.entry("JupiterStyle.first", Set.of("junit-jupiter")),
                Map.entry("JupiterStyle.parameterized", Set.of("junit-jupiter")),
                Map.entry("JupiterStyle$Inner.nested", Set.of("junit-jupiter")),
                Map.entry("PlainJupiter.plain", Set.of("junit-jupiter")));
        assertThat(run.tests()).hasSize(7);
        Map<String, Long> events = Recorder.events().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(events).containsOnlyKeys("EngineStyle.first host-1", "EngineStyle.second host-1",
                "JupiterStyle.first host-1", "JupiterStyle.parameterized a host-1", "JupiterStyle.parameterized b host-1",
                "JupiterStyle.Inner.nested host-1", "PlainJupiter.plain",
                bootIdEvent("the engine"), bootIdEvent("Jupiter"));
        assertThat(events.values()).containsOnly(1L);
    }

    @Test
    void theEngineAndTheExtensionShareOneHostPoolPerLauncherSession() {
        CountingProviderFactory.CREATED.set(0);

        LauncherRun.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(EngineStyle.class), selectClass(JupiterStyle.class))
                .configurationParameter("multihost.provider", "counting").build());

        assertThat(CountingProviderFactory.CREATED).hasValue(1);

        String byEngine = bootIdEvent("the engine").substring("boot id seen by the engine ".length());
        String byJupiter = bootIdEvent("Jupiter").substring("boot id seen by Jupiter ".length());
        // One pool: the same embedded host-1 (same boot), not a second provider's host-1.
        assertThat(byEngine).matches("[0-9a-f-]{36}").isEqualTo(byJupiter);
    }

    @Test
    void providerSettingsGivenToTheLauncherReachTheJupiterExtensionToo() {
        LauncherRun run = LauncherRun.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(JupiterShort.class), selectClass(PlainJupiter.class))
                .configurationParameter("multihost.embedded.max-hosts", "1").build());

        assertThat(run.outcomes).filteredOn(o -> o.identifier().getDisplayName().equals("JupiterShort"))
                .singleElement().satisfies(o ->
                        assertThat(o.skipReason()).contains("needs at least [2] hosts for role [pair]"));
        assertThat(Recorder.events()).containsExactly("PlainJupiter.plain");
    }

    @Test
    void aRunWithoutTestsThatNeedHostsStartsNoHostProvider() {
        CountingProviderFactory.CREATED.set(0);

        LauncherRun run = LauncherRun.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(PlainJupiter.class))
                .configurationParameter("multihost.provider", "counting").build());

        assertThat(run.tests()).hasSize(1);
        assertThat(CountingProviderFactory.CREATED).hasValue(0);
    }

    /** The event of the fixture that read host-1's boot id as {@code who}; fails when that fixture did not run. */
    private static String bootIdEvent(String who) {
        return Recorder.events().stream().filter(e -> e.startsWith("boot id seen by " + who)).findFirst()
                .orElseThrow(() -> new AssertionError("No boot id seen by " + who + " was recorded: its fixture did not"
                        + " run or did not reach its host. Recorded: " + Recorder.events()));
    }

    private static String method(MethodSource source) {
        String className = source.getClassName();
        return className.substring(className.lastIndexOf('.') + 1) + "." + source.getMethodName();
    }
}
