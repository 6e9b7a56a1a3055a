package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.junitmultihost.engine.fixtures.NamedAndTaggedFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.fixtures.mixed.EngineStyle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

/** Tag expressions as Surefire's groups/excludedGroups pass them to the launcher. */
class TagFilterTest {

    @BeforeEach
    void clear() {
        Recorder.clear();
    }

    @Test
    void aMethodTagSelectsOnlyThatMethod() {
        run(TagFilter.includeTags("fast"));

        assertThat(Recorder.events()).containsExactly("named");
    }

    @Test
    void aClassTagSelectsEveryMethodOfTheClassAndNoOtherClass() {
        LauncherRun run = run(TagFilter.includeTags("cluster"));

        assertThat(Recorder.events()).containsExactlyInAnyOrder("named", "plain");
        assertThat(run.outcomes).filteredOn(o -> o.skipReason() != null).extracting(o -> o.identifier().getDisplayName())
                .containsExactly("disabled()");
    }

    @Test
    void anExcludedTagLeavesTheOthersToRun() {
        run(TagFilter.excludeTags("fast"));

        assertThat(Recorder.events()).filteredOn(e -> !e.startsWith("boot id"))
                .containsExactlyInAnyOrder("plain", "EngineStyle.first host-1", "EngineStyle.second host-1");
    }

    @Test
    void aTagExpressionCombinesClassAndMethodTags() {
        run(TagFilter.includeTags("cluster & !fast"));

        assertThat(Recorder.events()).containsExactly("plain");
    }

    private static LauncherRun run(PostDiscoveryFilter filter) {
        return LauncherRun.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(NamedAndTaggedFixture.class), selectClass(EngineStyle.class))
                .filters(filter).build());
    }
}
