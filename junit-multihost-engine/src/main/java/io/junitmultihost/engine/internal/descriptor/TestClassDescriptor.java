package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.internal.hosts.HostLease;
import io.junitmultihost.engine.internal.injection.Invoker;
import io.junitmultihost.engine.internal.model.TestClassModel;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.hierarchical.Node;
import org.opentest4j.TestAbortedException;

/**
 * A test class: leases its hosts, creates its one instance (shared by all its tests, like
 * Jupiter's per-class lifecycle), runs {@code @MultiHostBeforeAll} methods, its tests, then
 * {@code @MultiHostAfterAll} methods even when something failed, and returns its hosts. A class
 * whose roles cannot get their minimum is aborted with the reason, and so is each of its tests
 * (Surefire counts aborted tests as skipped, an aborted class alone not at all). With
 * {@code multihost.execution.parallel.enabled} classes run at the same time
 * ({@link ClassesInParallel}); its methods always run one after another. Internal.
 */
public final class TestClassDescriptor extends AbstractTestDescriptor implements Node<MultiHostExecutionContext> {

    private final TestClassModel model;
    private final Set<TestTag> tags;

    /**
     * @param uniqueId the class's id
     * @param model the class as read at discovery
     */
    public TestClassDescriptor(UniqueId uniqueId, TestClassModel model) {
        super(uniqueId, Names.displayName(model.testClass(), model.testClass().getSimpleName()),
                ClassSource.from(model.testClass()));
        this.model = model;
        this.tags = Names.tags(model.testClass());
    }

    /** The class as read at discovery. */
    public TestClassModel model() {
        return model;
    }

    @Override
    public Type getType() {
        return Type.CONTAINER;
    }

    @Override
    public Set<TestTag> getTags() {
        return tags;
    }

    @Override
    public String getLegacyReportingName() {
        return model.testClass().getName();
    }

    @Override
    public MultiHostExecutionContext prepare(MultiHostExecutionContext context) {
        return context.withClassState(new ClassState());
    }

    @Override
    public SkipResult shouldBeSkipped(MultiHostExecutionContext context) {
        return Names.skipResult(model.testClass(), "Class [" + model.testClass().getName() + "]");
    }

    @Override
    public MultiHostExecutionContext before(MultiHostExecutionContext context) {
        if (!model.problems().isEmpty()) {
            throw new ConfigurationException(String.join(" ", model.problems()));
        }
        ClassState state = context.classState();
        HostLease lease;
        try {
            lease = context.pool().lease(model.testClass().getName(), model.roles(), context.cancellation()::requested);
        } catch (TestAbortedException e) {
            // Each test reports the abort, so that Surefire shows them skipped with the reason.
            state.abort(e);
            return context;
        }
        state.lease(lease);
        context.cancellation().running(lease);
        context.listener().reportingEntryPublished(this, ReportEntry.from("multihost.hosts", lease.describe()));
        lease.reportHostStates(line -> context.listener().reportingEntryPublished(this,
                ReportEntry.from("multihost.host-state", line)));
        try {
            state.instance(Invoker.newInstance(model.testClass(), lease.cluster()));
            for (Method method : model.beforeAll()) {
                Invoker.invoke(method, state.instance(), lease.cluster());
            }
        } catch (Throwable t) {
            if (context.cancellation().requested()) {
                throw new TestAbortedException("Cancelled with the run: " + t.getMessage(), t);
            }
            throw Throwables.rethrow(t);
        }
        return context;
    }

    @Override
    public void after(MultiHostExecutionContext context) {
        ClassState state = context.classState();
        if (state.abort() != null) {
            throw state.abort();
        }
        HostLease lease = state.lease();
        if (lease == null) {
            return;
        }
        Throwable failure = null;
        try {
            for (Method method : model.afterAll()) {
                if (state.instance() != null || Modifier.isStatic(method.getModifiers())) {
                    try {
                        Invoker.invoke(method, state.instance(), lease.cluster());
                    } catch (Throwable t) {
                        failure = Throwables.add(failure, t);
                    }
                }
            }
        } finally {
            context.cancellation().ended(lease);
            lease.close();
        }
        if (failure != null) {
            throw Throwables.rethrow(failure);
        }
    }
}
