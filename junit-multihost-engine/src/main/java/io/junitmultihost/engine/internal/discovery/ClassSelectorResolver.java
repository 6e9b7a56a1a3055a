package io.junitmultihost.engine.internal.discovery;

import static io.junitmultihost.engine.internal.descriptor.UniqueIds.CLASS_SEGMENT_TYPE;
import static org.junit.platform.engine.support.discovery.SelectorResolver.Resolution.unresolved;

import io.junitmultihost.engine.internal.descriptor.TestClassDescriptor;
import io.junitmultihost.engine.internal.model.TestClassModel;
import io.junitmultihost.jupiter.MultiHost;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.DiscoveryIssue.Severity;
import org.junit.platform.engine.DiscoveryIssue;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.discovery.UniqueIdSelector;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.discovery.DiscoveryIssueReporter;
import org.junit.platform.engine.support.discovery.SelectorResolver;

/**
 * Resolves a class (or a class's unique ID) into a class descriptor whose children are its
 * {@code @MultiHostTest} methods. Classes with {@code @MultiHost} belong to Jupiter and are left
 * alone. Problems with a class are reported as discovery issues here and fail the class when it runs.
 */
final class ClassSelectorResolver implements SelectorResolver {

    private final Predicate<String> classNameFilter;
    private final DiscoveryIssueReporter issues;

    ClassSelectorResolver(Predicate<String> classNameFilter, DiscoveryIssueReporter issues) {
        this.classNameFilter = classNameFilter;
        this.issues = issues;
    }

    @Override
    public Resolution resolve(ClassSelector selector, Context context) {
        return resolve(selector.getJavaClass(), context);
    }

    @Override
    public Resolution resolve(UniqueIdSelector selector, Context context) {
        UniqueId.Segment last = selector.getUniqueId().getLastSegment();
        if (!CLASS_SEGMENT_TYPE.equals(last.getType())) {
            return unresolved();
        }
        return ReflectionSupport.tryToLoadClass(last.getValue()).toOptional()
                .map(c -> resolve(c, context)).orElse(unresolved());
    }

    private Resolution resolve(Class<?> testClass, Context context) {
        if (!TestClassModel.isCandidate(testClass)) {
            if (ForeignAnnotations.worthALook(testClass) && classNameFilter.test(testClass.getName())) {
                report(testClass, ForeignAnnotations.onJupiterClass(testClass));
            }
            return unresolved();
        }
        if (AnnotationSupport.isAnnotated(testClass, MultiHost.class)) {
            issues.reportIssue(DiscoveryIssue.builder(Severity.WARNING, "Class [" + testClass.getName()
                    + "] is annotated @MultiHost, so Jupiter runs it, but it has @MultiHostTest methods, which only"
                    + " the junit-multihost engine runs: they are ignored. Use Jupiter's @Test in a @MultiHost"
                    + " class, or remove @MultiHost.").source(ClassSource.from(testClass)));
            report(testClass, ForeignAnnotations.onJupiterClass(testClass));
            return unresolved();
        }
        if (!classNameFilter.test(testClass.getName())) {
            return unresolved();
        }
        Optional<TestClassDescriptor> descriptor = context.addToParent(parent -> {
            UniqueId id = parent.getUniqueId().append(CLASS_SEGMENT_TYPE, testClass.getName());
            Optional<TestClassDescriptor> known = parent.findByUniqueId(id)
                    .filter(TestClassDescriptor.class::isInstance).map(TestClassDescriptor.class::cast);
            if (known.isPresent()) {
                return known;
            }
            TestClassModel model = TestClassModel.of(testClass);
            report(model);
            return Optional.of(new TestClassDescriptor(id, model));
        });
        return descriptor.map(d -> Resolution.match(Match.exact(d, () -> testsOf(d.model()))))
                .orElse(unresolved());
    }

    private void report(Class<?> testClass, List<ForeignAnnotations.Finding> findings) {
        findings.forEach(f -> issues.reportIssue(DiscoveryIssue.builder(Severity.WARNING, f.sentence())
                .source(f.method() == null ? ClassSource.from(testClass) : MethodSource.from(testClass, f.method()))));
    }

    private void report(TestClassModel model) {
        Class<?> testClass = model.testClass();
        report(testClass, ForeignAnnotations.onEngineClass(testClass));
        model.problems().forEach(problem -> issues.reportIssue(
                DiscoveryIssue.builder(Severity.WARNING, problem).source(ClassSource.from(testClass))));
        for (Method test : model.tests()) {
            model.problemsOf(test).forEach(problem -> issues.reportIssue(
                    DiscoveryIssue.builder(Severity.WARNING, problem).source(MethodSource.from(testClass, test))));
        }
        model.parts().forEach((test, parts) -> model.problemsOfParts(test).forEach(problem -> issues.reportIssue(
                DiscoveryIssue.builder(Severity.WARNING, problem).source(MethodSource.from(testClass, parts.get(0))))));
    }

    private static Set<DiscoverySelector> testsOf(TestClassModel model) {
        Set<DiscoverySelector> selectors = new LinkedHashSet<>();
        model.tests().forEach(m -> selectors.add(DiscoverySelectors.selectMethod(model.testClass(), m)));
        // a distributed test is selected through its first part; the others join it
        model.parts().values().forEach(parts -> selectors.add(DiscoverySelectors.selectMethod(model.testClass(),
                parts.get(0))));
        return selectors;
    }
}
