package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.api.Disabled;
import io.junitmultihost.api.DisplayName;
import io.junitmultihost.engine.internal.model.TestClassModel;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.hierarchical.Node.SkipResult;

/**
 * Display names, tags and skip reasons from the API's annotations, or Jupiter's of the same
 * simple name (honoured so that a wrong import is not ignored; the API's wins when both are there).
 */
final class Names {

    private Names() {
    }

    static String displayName(AnnotatedElement element, String fallback) {
        return AnnotationSupport.findAnnotation(element, DisplayName.class).map(DisplayName::value)
                .or(() -> AnnotationSupport.findAnnotation(element, org.junit.jupiter.api.DisplayName.class)
                        .map(org.junit.jupiter.api.DisplayName::value))
                .map(String::strip).filter(name -> !name.isEmpty()).orElse(fallback);
    }

    /** {@code name(Host, List)}, as Jupiter shows a method. */
    static String methodName(Method method) {
        return method.getName() + "(" + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ")) + ")";
    }

    static Set<TestTag> tags(AnnotatedElement element) {
        return TestClassModel.tagsOf(element).stream().map(TestTag::create)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static SkipResult skipResult(AnnotatedElement element, String what) {
        Optional<String> reason = AnnotationSupport.findAnnotation(element, Disabled.class).map(Disabled::value)
                .or(() -> AnnotationSupport.findAnnotation(element, org.junit.jupiter.api.Disabled.class)
                        .map(org.junit.jupiter.api.Disabled::value));
        return reason.map(r -> SkipResult.skip(r.isBlank() ? what + " is @Disabled" : r)).orElse(SkipResult.doNotSkip());
    }
}
