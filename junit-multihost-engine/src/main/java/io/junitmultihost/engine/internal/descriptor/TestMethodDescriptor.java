package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.engine.internal.diagnostics.Artifacts;
import io.junitmultihost.engine.internal.diagnostics.TestDeadline;
import io.junitmultihost.engine.internal.injection.Invoker;
import io.junitmultihost.engine.internal.model.TestClassModel;
import io.junitmultihost.engine.internal.report.TestRecords;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.hierarchical.Node;
import org.opentest4j.TestAbortedException;

/**
 * A test method: {@code @MultiHostBeforeEach} methods, the test, then {@code @MultiHostAfterEach}
 * methods even when the test failed, all on the class's one instance and hosts. Internal.
 */
public final class TestMethodDescriptor extends AbstractTestDescriptor implements Node<MultiHostExecutionContext> {

    private final TestClassModel model;
    private final Method method;
    private final List<String> problems;
    private final Set<TestTag> tags;

    /**
     * @param uniqueId the method's id
     * @param model its class
     * @param method the test method
     */
    public TestMethodDescriptor(UniqueId uniqueId, TestClassModel model, Method method) {
        super(uniqueId, Names.displayName(method, Names.methodName(method)),
                MethodSource.from(model.testClass(), method));
        this.model = model;
        this.method = method;
        this.problems = model.problemsOf(method);
        this.tags = Names.tags(method);
    }

    @Override
    public Type getType() {
        return Type.TEST;
    }

    /** The method's own tags and its class's. */
    @Override
    public Set<TestTag> getTags() {
        Set<TestTag> all = new LinkedHashSet<>(tags);
        getParent().ifPresent(parent -> all.addAll(parent.getTags()));
        return all;
    }

    @Override
    public String getLegacyReportingName() {
        return Names.methodName(method);
    }

    /** The test method. */
    public Method method() {
        return method;
    }

    /** A class's methods run one after another, on its thread, even when classes run in parallel. */
    @Override
    public ExecutionMode getExecutionMode() {
        return ExecutionMode.SAME_THREAD;
    }

    @Override
    public SkipResult shouldBeSkipped(MultiHostExecutionContext context) {
        return Names.skipResult(method, "Method [" + method.toGenericString() + "]");
    }

    @Override
    public MultiHostExecutionContext before(MultiHostExecutionContext context) {
        EachMethods.start(context, getUniqueId().toString(), getDisplayName(), model, problems);
        return context;
    }

    @Override
    public void nodeFinished(MultiHostExecutionContext context, TestDescriptor descriptor, TestExecutionResult result) {
        if (context.pool() != null) {
            TestRecords.finished(context.pool().events().record(), getUniqueId().toString(), getDisplayName(),
                    model.testClass().getName(), result.getStatus().name(), result.getThrowable().orElse(null));
        }
    }

    @Override
    public MultiHostExecutionContext execute(MultiHostExecutionContext context, DynamicTestExecutor executor) {
        ClassState state = context.classState();
        Optional<Artifacts> artifacts = Artifacts.forTest(model.testClass(), method, state.lease().cluster(),
                context.pool().settings().config()::get);
        artifacts.ifPresent(Artifacts::started);
        Throwable failure = null;
        try {
            TestDeadline.run(model.testClass().getSimpleName() + "." + getDisplayName(),
                    TestDeadline.of(AnnotationSupport.findAnnotation(method, MultiHostTest.class)
                                    .map(MultiHostTest::timeout).orElse(""),
                            context.pool().settings().config()::get),
                    () -> state.lease().diagnostics(),
                    () -> Invoker.invoke(method, state.instance(), state.lease().cluster()));
        } catch (Throwable t) {
            failure = t;
        }
        // before any teardown: the hosts are still as the test left them
        boolean failed = failure != null && !(failure instanceof TestAbortedException);
        artifacts.ifPresent(a -> a.collect(failed).forEach(file -> context.listener().fileEntryPublished(this,
                FileEntry.from(file, "text/plain"))));
        if (failure != null && context.cancellation().requested()) {
            // What it waited for was stopped because the run was cancelled: not a failure of the test.
            throw new TestAbortedException("Cancelled with the run: " + failure.getMessage(), failure);
        }
        if (failure != null) {
            throw Throwables.rethrow(failure);
        }
        return context;
    }

    @Override
    public void after(MultiHostExecutionContext context) {
        ClassState state = context.classState();
        if (!problems.isEmpty() || state.abort() != null) {
            return;
        }
        EachMethods.after(model, state);
    }
}
