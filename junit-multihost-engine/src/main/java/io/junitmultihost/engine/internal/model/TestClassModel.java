package io.junitmultihost.engine.internal.model;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.MultiHostAfterAll;
import io.junitmultihost.api.MultiHostAfterEach;
import io.junitmultihost.api.MultiHostBeforeAll;
import io.junitmultihost.api.MultiHostBeforeEach;
import io.junitmultihost.api.MultiHostPart;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.api.Tag;
import io.junitmultihost.engine.internal.injection.Invoker;
import io.junitmultihost.engine.internal.injection.ParameterResolution;
import io.junitmultihost.spi.ProviderConfig;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.TestTag;

/**
 * What a test class of the engine is made of: its roles, lifecycle methods and test methods,
 * and every problem with them as a sentence naming class and method. Built once at discovery;
 * problems are reported then and fail the class (or the method) when it runs. Internal.
 */
public final class TestClassModel {

    private final Class<?> testClass;
    private final RoleDeclarations roles;
    private final List<Method> beforeAll;
    private final List<Method> afterAll;
    private final List<Method> beforeEach;
    private final List<Method> afterEach;
    private final List<Method> tests;
    private final Map<String, List<Method>> parts = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private TestClassModel(Class<?> testClass) {
        this.testClass = testClass;
        this.roles = RoleDeclarations.of(testClass);
        // Superclass methods first for "before", last for "after", as in Jupiter.
        this.beforeAll = annotated(testClass, MultiHostBeforeAll.class, HierarchyTraversalMode.TOP_DOWN);
        this.afterAll = annotated(testClass, MultiHostAfterAll.class, HierarchyTraversalMode.BOTTOM_UP);
        this.beforeEach = annotated(testClass, MultiHostBeforeEach.class, HierarchyTraversalMode.TOP_DOWN);
        this.afterEach = annotated(testClass, MultiHostAfterEach.class, HierarchyTraversalMode.BOTTOM_UP);
        this.tests = annotated(testClass, MultiHostTest.class, HierarchyTraversalMode.TOP_DOWN);
        for (Method part : annotated(testClass, MultiHostPart.class, HierarchyTraversalMode.TOP_DOWN)) {
            parts.computeIfAbsent(part.getAnnotation(MultiHostPart.class).test().strip(), k -> new ArrayList<>()).add(part);
        }
        problems.addAll(roles.problems());
        if (roles.isEmpty()) {
            problems.add("Class [" + testClass.getName() + "] has @MultiHostTest or @MultiHostPart methods but declares no hosts;"
                    + " add @Hosts(@Role(name = \"...\", count = 1)) or @Role(...) to the class.");
        }
        constructorProblems();
        lifecycleProblems(beforeAll, MultiHostBeforeAll.class);
        lifecycleProblems(afterAll, MultiHostAfterAll.class);
        lifecycleProblems(beforeEach, MultiHostBeforeEach.class);
        lifecycleProblems(afterEach, MultiHostAfterEach.class);
        problems.addAll(tagProblems(testClass, "class [" + testClass.getName() + "]"));
    }

    /** Reads {@code testClass}; never throws for a bad class, records the problems instead. */
    public static TestClassModel of(Class<?> testClass) {
        return new TestClassModel(testClass);
    }

    /**
     * Whether the engine could run {@code candidate}: a concrete, non-private, top-level or
     * static member class with at least one {@code @MultiHostTest} or {@code @MultiHostPart} method.
     */
    public static boolean isCandidate(Class<?> candidate) {
        return hasRunnableShape(candidate)
                && !ReflectionSupport.findMethods(candidate, m -> AnnotationSupport.isAnnotated(m, MultiHostTest.class)
                        || AnnotationSupport.isAnnotated(m, MultiHostPart.class), HierarchyTraversalMode.TOP_DOWN).isEmpty();
    }

    /** Whether {@code candidate} is a concrete, non-private, top-level or static member class. */
    public static boolean hasRunnableShape(Class<?> candidate) {
        return !ModifierSupport.isAbstract(candidate) && !ModifierSupport.isPrivate(candidate)
                && !candidate.isLocalClass() && !candidate.isAnonymousClass() && !candidate.isInterface()
                && !candidate.isAnnotation() && !candidate.isEnum() && !candidate.isRecord()
                && (!candidate.isMemberClass() || ModifierSupport.isStatic(candidate));
    }

    /** Whether {@code method} is a test method of the engine. */
    public static boolean isTestMethod(Method method) {
        return AnnotationSupport.isAnnotated(method, MultiHostTest.class);
    }

    /** The class. */
    public Class<?> testClass() {
        return testClass;
    }

    /** Its valid roles, in declaration order. */
    public List<RoleDeclaration> roles() {
        return roles.roles();
    }

    /** {@code @MultiHostBeforeAll} methods, superclass ones first. */
    public List<Method> beforeAll() {
        return beforeAll;
    }

    /** {@code @MultiHostAfterAll} methods, superclass ones last. */
    public List<Method> afterAll() {
        return afterAll;
    }

    /** {@code @MultiHostBeforeEach} methods, superclass ones first. */
    public List<Method> beforeEach() {
        return beforeEach;
    }

    /** {@code @MultiHostAfterEach} methods, superclass ones last. */
    public List<Method> afterEach() {
        return afterEach;
    }

    /** The test methods, in a deterministic order. */
    public List<Method> tests() {
        return tests;
    }

    /** The distributed tests by name, each with its {@code @MultiHostPart} methods in a deterministic order. */
    public Map<String, List<Method>> parts() {
        return parts;
    }

    /** Problems that fail one distributed test: its parts' signatures, roles, parameters and deadlines. */
    public List<String> problemsOfParts(String test) {
        List<String> found = new ArrayList<>();
        if (test.isEmpty()) {
            found.add("A @MultiHostPart of class [" + testClass.getName() + "] names no test; give test = \"...\".");
        }
        for (Method part : parts.getOrDefault(test, List.of())) {
            MultiHostPart annotation = part.getAnnotation(MultiHostPart.class);
            found.addAll(signatureProblems(part, MultiHostPart.class));
            if (annotation.inVm()) {
                found.addAll(io.junitmultihost.engine.internal.injection.PartInVm.problems(part));
            } else {
                found.addAll(ParameterResolution.problems(part, roles.names()));
            }
            if (!roles.names().contains(annotation.role())) {
                found.add("The @MultiHostPart method [" + part.toGenericString() + "] runs on role [" + annotation.role()
                        + "], which its class does not declare; declared roles: " + roles.names() + ".");
            }
            if (!annotation.timeout().isBlank()) {
                try {
                    ProviderConfig.parseDuration("@MultiHostPart(timeout)", annotation.timeout().strip());
                } catch (ConfigurationException e) {
                    found.add("Method [" + part.toGenericString() + "]: " + e.getMessage());
                }
            }
        }
        return found;
    }

    /** Problems that fail the whole class; empty when all is well. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Problems that fail one test method: its signature, parameters and tags. */
    public List<String> problemsOf(Method test) {
        List<String> found = new ArrayList<>(signatureProblems(test, MultiHostTest.class));
        found.addAll(ParameterResolution.problems(test, roles.names()));
        found.addAll(tagProblems(test, "method [" + test.toGenericString() + "]"));
        String timeout = AnnotationSupport.findAnnotation(test, MultiHostTest.class).map(MultiHostTest::timeout).orElse("");
        if (!timeout.isBlank()) {
            try {
                ProviderConfig.parseDuration("@MultiHostTest(timeout)", timeout.strip());
            } catch (ConfigurationException e) {
                found.add("Method [" + test.toGenericString() + "]: " + e.getMessage());
            }
        }
        return found;
    }

    /**
     * The valid tags on {@code element} (class or method), in declaration order: the API's
     * {@code @Tag} and Jupiter's, which is honoured too so that a wrong import still tags.
     */
    public static List<String> tagsOf(AnnotatedElement element) {
        return declaredTags(element).stream().filter(TestTag::isValid).map(String::strip).distinct().toList();
    }

    private static List<String> declaredTags(AnnotatedElement element) {
        List<String> tags = new ArrayList<>();
        AnnotationSupport.findRepeatableAnnotations(element, Tag.class).forEach(t -> tags.add(t.value()));
        AnnotationSupport.findRepeatableAnnotations(element, org.junit.jupiter.api.Tag.class).forEach(t -> tags.add(t.value()));
        return tags;
    }

    private static List<String> tagProblems(AnnotatedElement element, String where) {
        return declaredTags(element).stream().filter(t -> !TestTag.isValid(t))
                .map(t -> "The tag [" + t + "] on " + where + " is not a valid tag: no blanks, no ISO control"
                        + " characters and none of , ( ) & | !.")
                .toList();
    }

    private void constructorProblems() {
        try {
            Constructor<?> constructor = Invoker.constructorOf(testClass);
            problems.addAll(ParameterResolution.problems(constructor, roles.names()));
        } catch (ConfigurationException e) {
            problems.add(e.getMessage());
        }
    }

    private void lifecycleProblems(List<Method> methods, Class<? extends Annotation> kind) {
        for (Method method : methods) {
            problems.addAll(signatureProblems(method, kind));
            problems.addAll(ParameterResolution.problems(method, roles.names()));
        }
    }

    private static List<String> signatureProblems(Method method, Class<? extends Annotation> kind) {
        List<String> found = new ArrayList<>();
        String what = "The @" + kind.getSimpleName() + " method [" + method.toGenericString() + "]";
        if (Modifier.isPrivate(method.getModifiers())) {
            found.add(what + " must not be private.");
        }
        if (method.getReturnType() != void.class) {
            found.add(what + " must return void.");
        }
        return found;
    }

    private static List<Method> annotated(Class<?> c, Class<? extends Annotation> kind, HierarchyTraversalMode mode) {
        return ReflectionSupport.findMethods(c, m -> AnnotationSupport.isAnnotated(m, kind), mode);
    }
}
