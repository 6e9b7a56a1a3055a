package io.junitmultihost.engine.internal.discovery;

import io.junitmultihost.api.MultiHostAfterAll;
import io.junitmultihost.api.MultiHostAfterEach;
import io.junitmultihost.api.MultiHostBeforeAll;
import io.junitmultihost.api.MultiHostBeforeEach;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.engine.internal.model.RoleDeclarations;
import io.junitmultihost.engine.internal.model.TestClassModel;
import io.junitmultihost.jupiter.MultiHost;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Annotations that would otherwise be ignored without a word because they belong to the other
 * engine: Jupiter's test and lifecycle annotations on a class the junit-multihost engine runs,
 * hosts declared on a Jupiter class that lacks {@code @MultiHost}, and the API's {@code @Tag},
 * {@code @DisplayName} and {@code @Disabled} on a {@code @MultiHost} class, which Jupiter does
 * not read. Each finding is a sentence naming the right annotation. (Jupiter's {@code @Tag},
 * {@code @DisplayName} and {@code @Disabled} on an engine class are honoured, not reported.)
 * Internal.
 *
 * @see TestClassModel#tagsOf(AnnotatedElement)
 */
final class ForeignAnnotations {

    private static final Map<Class<? extends Annotation>, Class<? extends Annotation>> LIFECYCLE = Map.of(
            org.junit.jupiter.api.BeforeAll.class, MultiHostBeforeAll.class,
            org.junit.jupiter.api.BeforeEach.class, MultiHostBeforeEach.class,
            org.junit.jupiter.api.AfterEach.class, MultiHostAfterEach.class,
            org.junit.jupiter.api.AfterAll.class, MultiHostAfterAll.class);

    private static final List<Class<? extends Annotation>> ENGINE_ONLY = List.of(io.junitmultihost.api.Tag.class,
            io.junitmultihost.api.Tags.class, io.junitmultihost.api.DisplayName.class, io.junitmultihost.api.Disabled.class);

    /**
     * One annotation in the wrong place.
     *
     * @param method the method it is on, or null when it is on the class
     * @param sentence what is wrong and which annotation to use instead
     */
    record Finding(Method method, String sentence) {
    }

    private ForeignAnnotations() {
    }

    /** Whether {@code c} is a Jupiter class of ours: annotated (directly, inherited or meta) {@code @MultiHost}. */
    static boolean isJupiterClass(Class<?> c) {
        return AnnotationSupport.isAnnotated(c, MultiHost.class);
    }

    /**
     * Whether the engine should look at {@code c} although it has no {@code @MultiHostTest}
     * method: a concrete class that declares hosts or is a {@code @MultiHost} class.
     */
    static boolean worthALook(Class<?> c) {
        return TestClassModel.hasRunnableShape(c) && (isJupiterClass(c) || !RoleDeclarations.of(c).isEmpty());
    }

    /** What the engine would ignore on {@code testClass}, which it runs. */
    static List<Finding> onEngineClass(Class<?> testClass) {
        List<Finding> found = new ArrayList<>();
        String where = "class [" + testClass.getName() + "]";
        for (Method m : methods(testClass, ForeignAnnotations::isJupiterTest)) {
            found.add(new Finding(m, "Method [" + m.toGenericString() + "] of " + where + " is a Jupiter test ("
                    + testAnnotations(m) + "), but the junit-multihost engine runs this class's tests and runs only"
                    + " @MultiHostTest methods; Jupiter runs it on its own, without hosts. Annotate it"
                    + " @io.junitmultihost.api.MultiHostTest instead, or make the class a Jupiter class with"
                    + " @io.junitmultihost.jupiter.MultiHost and no @MultiHostTest methods."));
        }
        LIFECYCLE.forEach((jupiter, ours) -> {
            for (Method m : methods(testClass, m -> AnnotationSupport.isAnnotated(m, jupiter))) {
                found.add(new Finding(m, "Method [" + m.toGenericString() + "] of " + where + " is annotated Jupiter's @"
                        + jupiter.getSimpleName() + ", which the junit-multihost engine does not run; use @"
                        + ours.getName() + "."));
            }
        });
        return found;
    }

    /** What Jupiter would ignore on {@code testClass}, a class without {@code @MultiHostTest} methods. */
    static List<Finding> onJupiterClass(Class<?> testClass) {
        List<Finding> found = new ArrayList<>();
        String where = "class [" + testClass.getName() + "]";
        boolean hasTests = !methods(testClass, ForeignAnnotations::isJupiterTest).isEmpty();
        if (!isJupiterClass(testClass)) {
            if (hasTests && !RoleDeclarations.of(testClass).isEmpty()) {
                found.add(new Finding(null, "The Jupiter " + where + " declares hosts with @Hosts/@Role but is not"
                        + " annotated @io.junitmultihost.jupiter.MultiHost, so Jupiter runs its tests without hosts;"
                        + " add @MultiHost to the class (or use @MultiHostTest methods to run it on the junit-multihost"
                        + " engine)."));
            }
            return found;
        }
        engineOnlyAnnotations(testClass, null, where, found);
        for (Method m : methods(testClass, m -> true)) {
            engineOnlyAnnotations(m, m, "method [" + m.toGenericString() + "] of " + where, found);
        }
        return found;
    }

    private static void engineOnlyAnnotations(AnnotatedElement element, Method method, String where, List<Finding> found) {
        for (Class<? extends Annotation> ours : ENGINE_ONLY) {
            if (AnnotationSupport.isAnnotated(element, ours)) {
                String jupiter = ours == io.junitmultihost.api.Tags.class ? "org.junit.jupiter.api.Tags"
                        : "org.junit.jupiter.api." + ours.getSimpleName();
                found.add(new Finding(method, "The " + where + " is run by Jupiter (@MultiHost), which does not read @"
                        + ours.getName() + "; use @" + jupiter + "."));
            }
        }
    }

    /** Whether {@code m} carries a testable annotation of another engine (Jupiter's {@code @Test} and its kin). */
    private static boolean isJupiterTest(Method m) {
        return !foreignTestAnnotations(m).isEmpty();
    }

    private static String testAnnotations(Method m) {
        return String.join(", ", foreignTestAnnotations(m));
    }

    private static List<String> foreignTestAnnotations(Method m) {
        List<String> names = new ArrayList<>();
        for (Annotation a : m.getDeclaredAnnotations()) {
            Class<? extends Annotation> type = a.annotationType();
            boolean ours = type == MultiHostTest.class || AnnotationSupport.isAnnotated(type, MultiHostTest.class);
            if (!ours && (type == Testable.class || AnnotationSupport.isAnnotated(type, Testable.class))) {
                names.add("@" + type.getName());
            }
        }
        return names;
    }

    private static List<Method> methods(Class<?> c, Predicate<Method> which) {
        return ReflectionSupport.findMethods(c, which, HierarchyTraversalMode.TOP_DOWN);
    }
}
