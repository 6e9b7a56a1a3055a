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

/** Display names, tags and skip reasons from the API's annotations. */
final class Names {

    private Names() {
    }

    static String displayName(AnnotatedElement element, String fallback) {
        return AnnotationSupport.findAnnotation(element, DisplayName.class).map(DisplayName::value)
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
        Optional<Disabled> disabled = AnnotationSupport.findAnnotation(element, Disabled.class);
        return disabled.map(d -> SkipResult.skip(d.value().isBlank() ? what + " is @Disabled" : d.value()))
                .orElse(SkipResult.doNotSkip());
    }
}
