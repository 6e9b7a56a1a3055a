package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

import io.junitmultihost.engine.fixtures.BadSignaturesFixture;
import io.junitmultihost.engine.fixtures.ComposedRolesFixture;
import io.junitmultihost.engine.fixtures.InheritedRolesFixture;
import io.junitmultihost.engine.fixtures.InvalidRolesFixture;
import io.junitmultihost.engine.fixtures.LifecycleFixture;
import io.junitmultihost.engine.fixtures.MultiHostWithEngineTestsFixture;
import io.junitmultihost.engine.fixtures.NamedAndTaggedFixture;
import io.junitmultihost.engine.fixtures.RolesBase;
import io.junitmultihost.engine.fixtures.mixed.EngineStyle;
import io.junitmultihost.engine.fixtures.mixed.JupiterStyle;
import io.junitmultihost.engine.fixtures.mixed.PlainJupiter;
import io.junitmultihost.engine.internal.MultiHostTestEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoveryIssue;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineDiscoveryResults;
import org.junit.platform.testkit.engine.EngineTestKit;

class DiscoveryTest {

    private static final UniqueId ENGINE = UniqueId.forEngine(MultiHostTestEngine.ENGINE_ID);

    @Test
    void aClassSelectorGivesTheClassWithItsTestsAndTheirUniqueIds() {
        TestDescriptor engine = discover(selectClass(EngineStyle.class)).getEngineDescriptor();

        assertThat(engine.getUniqueId()).isEqualTo(ENGINE);
        TestDescriptor testClass = single(engine.getChildren());
        assertThat(testClass.getUniqueId()).isEqualTo(ENGINE.append("class", EngineStyle.class.getName()));
        assertThat(testClass.getSource()).contains(ClassSource.from(EngineStyle.class));
        assertThat(testClass.getDisplayName()).isEqualTo("EngineStyle");
        assertThat(testClass.getLegacyReportingName()).isEqualTo(EngineStyle.class.getName());
        assertThat(testClass.getChildren()).extracting(d -> d.getUniqueId().getLastSegment().getValue())
                .containsExactlyInAnyOrder("first(io.junitmultihost.api.Host)", "second(io.junitmultihost.api.Host)");
        assertThat(testClass.getChildren()).allSatisfy(method -> {
            assertThat(method.isTest()).isTrue();
            assertThat(method.getSource()).containsInstanceOf(MethodSource.class);
            MethodSource source = (MethodSource) method.getSource().orElseThrow();
            assertThat(source.getClassName()).isEqualTo(EngineStyle.class.getName());
            assertThat(source.getMethodParameterTypes()).isEqualTo("io.junitmultihost.api.Host");
        });
    }

    @Test
    void aMethodSelectorGivesOnlyThatMethodUnderItsClass() {
        TestDescriptor engine = discover(selectMethod(EngineStyle.class, "second", "io.junitmultihost.api.Host"))
                .getEngineDescriptor();

        TestDescriptor testClass = single(engine.getChildren());
        assertThat(testClass.getChildren()).extracting(TestDescriptor::getDisplayName).containsExactly("second(Host)");
    }

    @Test
    void aUniqueIdSelectorOfAMethodFindsItAgainAsAnIdeReRunDoes() {
        UniqueId method = ENGINE.append("class", EngineStyle.class.getName())
                .append("method", "first(io.junitmultihost.api.Host)");

        TestDescriptor engine = discover(selectUniqueId(method)).getEngineDescriptor();

        assertThat(engine.getDescendants()).extracting(TestDescriptor::getUniqueId)
                .containsExactlyInAnyOrder(method.removeLastSegment(), method);
    }

    @Test
    void aUniqueIdSelectorOfAClassFindsAllItsTests() {
        TestDescriptor engine = discover(selectUniqueId(ENGINE.append("class", EngineStyle.class.getName())))
                .getEngineDescriptor();

        assertThat(single(engine.getChildren()).getChildren()).hasSize(2);
    }

    @Test
    void aPackageSelectorFindsTheEngineClassesButNeitherJupiterClassNorMultiHostClass() {
        TestDescriptor engine = discover(selectPackage(EngineStyle.class.getPackageName())).getEngineDescriptor();

        assertThat(classNames(engine)).containsExactly(EngineStyle.class.getName());
    }

    @Test
    void aClasspathRootSelectorFindsEngineClassesAndSkipsAbstractOnesAndJupiterOnes() {
        Path testClasses = Path.of(EngineStyle.class.getProtectionDomain().getCodeSource().getLocation().getPath());

        TestDescriptor engine = discover(selectClasspathRoots(Set.of(testClasses)).toArray(DiscoverySelector[]::new))
                .getEngineDescriptor();

        assertThat(classNames(engine)).contains(EngineStyle.class.getName(), LifecycleFixture.class.getName(),
                InheritedRolesFixture.class.getName(), ComposedRolesFixture.class.getName())
                .doesNotContain(RolesBase.class.getName(), JupiterStyle.class.getName(), PlainJupiter.class.getName(),
                        MultiHostWithEngineTestsFixture.class.getName(), DiscoveryTest.class.getName());
    }

    @Test
    void inheritedTestMethodsBelongToTheSubclass() {
        TestDescriptor testClass = single(discover(selectClass(InheritedRolesFixture.class)).getEngineDescriptor()
                .getChildren());

        TestDescriptor method = single(testClass.getChildren());
        assertThat(((MethodSource) method.getSource().orElseThrow()).getClassName())
                .isEqualTo(InheritedRolesFixture.class.getName());
    }

    @Test
    void displayNamesAndTagsComeFromTheAnnotationsAndClassTagsApplyToMethods() {
        TestDescriptor testClass = single(discover(selectClass(NamedAndTaggedFixture.class)).getEngineDescriptor()
                .getChildren());

        assertThat(testClass.getDisplayName()).isEqualTo("A named class");
        assertThat(testClass.getTags()).containsExactly(TestTag.create("cluster"));
        TestDescriptor named = child(testClass, "named()");
        assertThat(named.getDisplayName()).isEqualTo("a named test");
        assertThat(named.getLegacyReportingName()).isEqualTo("named()");
        assertThat(named.getTags()).containsExactlyInAnyOrder(TestTag.create("fast"), TestTag.create("cluster"));
        assertThat(child(testClass, "plain()").getTags()).containsExactly(TestTag.create("cluster"));
    }

    @Test
    void aMultiHostClassWithEngineTestsIsLeftToJupiterWithAWarning() {
        EngineDiscoveryResults results = discover(selectClass(MultiHostWithEngineTestsFixture.class));

        assertThat(results.getEngineDescriptor().getChildren()).isEmpty();
        assertThat(results.getDiscoveryIssues()).singleElement().satisfies(issue -> {
            assertThat(issue.severity()).isEqualTo(DiscoveryIssue.Severity.WARNING);
            assertThat(issue.message()).contains(MultiHostWithEngineTestsFixture.class.getName(), "@MultiHost",
                    "@MultiHostTest");
        });
    }

    @Test
    void invalidRolesAreReportedAtDiscoveryNamingClassAndRole() {
        EngineDiscoveryResults results = discover(selectClass(InvalidRolesFixture.class));

        assertThat(results.getDiscoveryIssues()).extracting(DiscoveryIssue::message).containsExactlyInAnyOrder(
                "The role [db] is declared twice on class [" + InvalidRolesFixture.class.getName()
                        + "]; role names must be unique within a class.",
                "The role [app] of class [" + InvalidRolesFixture.class.getName()
                        + "] has count [0]; count must be at least 1.",
                "The role [web] of class [" + InvalidRolesFixture.class.getName()
                        + "] has min [3] and count [2]; min must be between 1 and count (or left out to mean count).");
        assertThat(results.getDiscoveryIssues()).allSatisfy(issue ->
                assertThat(issue.source()).contains(ClassSource.from(InvalidRolesFixture.class)));
    }

    @Test
    void badTestMethodsAreReportedWithTheirMethodAsSource() {
        EngineDiscoveryResults results = discover(selectClass(BadSignaturesFixture.class));

        assertThat(results.getDiscoveryIssues()).extracting(DiscoveryIssue::message).anySatisfy(m ->
                assertThat(m).contains("privateTest()", "must not be private")).anySatisfy(m ->
                assertThat(m).contains("returnsSomething()", "must return void")).anySatisfy(m ->
                assertThat(m).contains("[has blank]", "badTag()", "not a valid tag"));
        assertThat(results.getDiscoveryIssues()).allSatisfy(issue ->
                assertThat(issue.source()).containsInstanceOf(MethodSource.class));
    }

    private static EngineDiscoveryResults discover(DiscoverySelector... selectors) {
        return EngineTestKit.engine(MultiHostTestEngine.ENGINE_ID).selectors(selectors).discover();
    }

    private static List<String> classNames(TestDescriptor engine) {
        return engine.getChildren().stream()
                .map(d -> ((ClassSource) d.getSource().orElseThrow()).getClassName()).sorted().toList();
    }

    private static TestDescriptor single(Set<? extends TestDescriptor> descriptors) {
        assertThat(descriptors).hasSize(1);
        return descriptors.iterator().next();
    }

    private static TestDescriptor child(TestDescriptor parent, String legacyName) {
        return parent.getChildren().stream().filter(d -> d.getLegacyReportingName().equals(legacyName))
                .collect(Collectors.toList()).get(0);
    }
}
