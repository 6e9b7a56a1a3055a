package io.junitmultihost.engine.internal.discovery;

import static io.junitmultihost.engine.internal.descriptor.UniqueIds.CLASS_SEGMENT_TYPE;
import static io.junitmultihost.engine.internal.descriptor.UniqueIds.METHOD_SEGMENT_TYPE;
import static org.junit.platform.engine.support.discovery.SelectorResolver.Resolution.unresolved;

import io.junitmultihost.api.MultiHostPart;
import io.junitmultihost.engine.internal.descriptor.DistributedTestDescriptor;
import io.junitmultihost.engine.internal.descriptor.TestClassDescriptor;
import io.junitmultihost.engine.internal.descriptor.TestMethodDescriptor;
import io.junitmultihost.engine.internal.descriptor.UniqueIds;
import io.junitmultihost.engine.internal.model.TestClassModel;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.discovery.UniqueIdSelector;
import org.junit.platform.engine.support.discovery.SelectorResolver;

/**
 * Resolves a {@code @MultiHostTest} method (or its unique ID, as IDEs use to re-run one method)
 * into a method descriptor under its class's descriptor.
 */
final class MethodSelectorResolver implements SelectorResolver {

    @Override
    public Resolution resolve(MethodSelector selector, Context context) {
        Class<?> testClass = selector.getJavaClass();
        Method method = selector.getJavaMethod();
        if (AnnotationSupport.isAnnotated(method, MultiHostPart.class)) {
            return resolvePart(testClass, method.getAnnotation(MultiHostPart.class).test().strip(), context);
        }
        if (!TestClassModel.isTestMethod(method)) {
            return unresolved();
        }
        Optional<TestMethodDescriptor> descriptor = context.addToParent(
                () -> DiscoverySelectors.selectClass(testClass),
                parent -> parent instanceof TestClassDescriptor classDescriptor
                        ? Optional.of(new TestMethodDescriptor(parent.getUniqueId().append(METHOD_SEGMENT_TYPE,
                                UniqueIds.methodSegmentValue(method)), classDescriptor.model(), method))
                        : Optional.empty());
        return descriptor.map(d -> Resolution.match(Match.exact(d))).orElse(unresolved());
    }

    /** The distributed test {@code test} of {@code testClass}, made once whichever of its parts is selected. */
    private static Resolution resolvePart(Class<?> testClass, String test, Context context) {
        Optional<DistributedTestDescriptor> descriptor = context.addToParent(
                () -> DiscoverySelectors.selectClass(testClass),
                parent -> {
                    if (!(parent instanceof TestClassDescriptor classDescriptor)) {
                        return Optional.empty();
                    }
                    UniqueId id = parent.getUniqueId().append(DistributedTestDescriptor.SEGMENT_TYPE, test);
                    Optional<DistributedTestDescriptor> known = parent.findByUniqueId(id)
                            .filter(DistributedTestDescriptor.class::isInstance).map(DistributedTestDescriptor.class::cast);
                    return known.isPresent() ? known
                            : Optional.of(new DistributedTestDescriptor(id, classDescriptor.model(), test));
                });
        return descriptor.map(d -> Resolution.match(Match.exact(d))).orElse(unresolved());
    }

    @Override
    public Resolution resolve(UniqueIdSelector selector, Context context) {
        List<UniqueId.Segment> segments = selector.getUniqueId().getSegments();
        int size = segments.size();
        // a part (made as the test runs) or a distributed test: select the test through its class's parts
        int test = -1;
        for (int i = 0; i < size; i++) {
            if (DistributedTestDescriptor.SEGMENT_TYPE.equals(segments.get(i).getType())) {
                test = i;
            }
        }
        if (test > 0 && CLASS_SEGMENT_TYPE.equals(segments.get(test - 1).getType())) {
            String name = segments.get(test).getValue();
            return ReflectionSupport.tryToLoadClass(segments.get(test - 1).getValue()).toOptional()
                    .flatMap(c -> Optional.ofNullable(TestClassModel.of(c).parts().get(name))
                            .map(parts -> Resolution.selectors(Set.of(DiscoverySelectors.selectMethod(c, parts.get(0))))))
                    .orElse(unresolved());
        }
        if (size < 2 || !METHOD_SEGMENT_TYPE.equals(segments.get(size - 1).getType())
                || !CLASS_SEGMENT_TYPE.equals(segments.get(size - 2).getType())) {
            return unresolved();
        }
        String className = segments.get(size - 2).getValue();
        String value = segments.get(size - 1).getValue();
        int open = value.indexOf('(');
        if (open < 1 || !value.endsWith(")")) {
            return unresolved();
        }
        return Resolution.selectors(Set.of(DiscoverySelectors.selectMethod(className, value.substring(0, open),
                value.substring(open + 1, value.length() - 1))));
    }
}
