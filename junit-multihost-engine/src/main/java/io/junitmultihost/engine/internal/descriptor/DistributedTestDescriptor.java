package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.MultiHostPart;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmInvocationException;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.VmTarget;
import io.junitmultihost.engine.internal.diagnostics.Artifacts;
import io.junitmultihost.engine.internal.diagnostics.TestDeadline;
import io.junitmultihost.engine.internal.injection.Invoker;
import io.junitmultihost.engine.internal.injection.PartInVm;
import io.junitmultihost.engine.internal.sync.ClassSync;
import io.junitmultihost.engine.internal.model.TestClassModel;
import io.junitmultihost.engine.internal.report.TestRecords;
import io.junitmultihost.engine.internal.sync.CaseSync;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.hierarchical.Node;

/**
 * A distributed test (TETware's distributed test case): its {@code @MultiHostPart} methods, each
 * run once per host of its role, all at once, each a child named by role and host, made as the test
 * starts (the hosts are known only then). {@code @MultiHostBeforeEach} and {@code @MultiHostAfterEach}
 * run once around the whole test. Internal.
 */
public final class DistributedTestDescriptor extends AbstractTestDescriptor implements Node<MultiHostExecutionContext> {

    /** The unique ID segment type of a distributed test: {@value}. */
    public static final String SEGMENT_TYPE = "distributed-test";
    /** The unique ID segment type of one part on one host: {@value}. */
    public static final String PART_SEGMENT_TYPE = "part";

    /** How long a part in a remote JVM may run when its test has no deadline ({@code multihost.test.timeout=none}). */
    private static final Duration IN_VM_WITHOUT_DEADLINE = Duration.ofDays(1);

    private final TestClassModel model;
    private final String test;
    private final List<Method> parts;
    private final List<String> problems;

    /**
     * @param uniqueId the test's id
     * @param model its class
     * @param test its name, as its parts give it
     */
    public DistributedTestDescriptor(UniqueId uniqueId, TestClassModel model, String test) {
        super(uniqueId, test, MethodSource.from(model.testClass(), model.parts().get(test).get(0)));
        this.model = model;
        this.test = test;
        this.parts = model.parts().get(test);
        this.problems = model.problemsOfParts(test);
    }

    @Override
    public Type getType() {
        return Type.CONTAINER;
    }

    @Override
    public boolean mayRegisterTests() {
        return true;
    }

    @Override
    public MultiHostExecutionContext before(MultiHostExecutionContext context) {
        EachMethods.start(context, getUniqueId().toString(), getDisplayName(), model, problems);
        return context;
    }

    /** Starts every part on every host of its role, then reports each as it ends; fails when the deadline passed. */
    @Override
    public MultiHostExecutionContext execute(MultiHostExecutionContext context, DynamicTestExecutor executor) {
        ClassState state = context.classState();
        String timeout = parts.stream().map(m -> m.getAnnotation(MultiHostPart.class).timeout())
                .filter(t -> !t.isBlank()).findFirst().orElse("");
        Optional<Duration> deadline = TestDeadline.of(timeout, context.pool().settings().config()::get);
        List<Host> partHosts = parts.stream().flatMap(m -> state.lease().cluster()
                .role(m.getAnnotation(MultiHostPart.class).role()).stream()).distinct().toList();
        try (CaseSync sync = state.lease().openCase(test, partHosts)) {
            CaseRun run = new CaseRun(model.testClass().getSimpleName() + "." + test, deadline, sync,
                    () -> state.lease().diagnostics());
            List<PartDescriptor> children = new ArrayList<>();
            for (Method part : parts) {
                String role = part.getAnnotation(MultiHostPart.class).role();
                for (Host host : state.lease().cluster().role(role)) {
                    String name = role + " on " + host.name();
                    PartDescriptor child = new PartDescriptor(getUniqueId().append(PART_SEGMENT_TYPE, part.getName()
                            + "@" + host.name()), name, MethodSource.from(model.testClass(), part), run);
                    addChild(child);
                    children.add(child);
                    if (part.getAnnotation(MultiHostPart.class).inVm()) {
                        run.add(child, () -> inVm(part, host, role, state.lease().cluster(), deadline));
                    } else {
                        run.add(child, () -> Invoker.invokePart(part, state.instance(), state.lease().cluster(), host,
                                sync.forPart(host.name())));
                    }
                }
            }
            Optional<Artifacts> artifacts = Artifacts.forTest(model.testClass(), parts, test, state.lease().cluster(),
                    context.pool().settings().config()::get);
            artifacts.ifPresent(Artifacts::started);
            run.startAll();
            children.forEach(executor::execute);
            executor.awaitFinished();
            // before any teardown: the hosts are still as the parts left them
            artifacts.ifPresent(a -> a.collect(run.failed()).forEach(file -> context.listener().fileEntryPublished(this,
                    FileEntry.from(file, "text/plain"))));
            run.failWhenLate();
        } catch (Throwable t) {
            throw Throwables.rethrow(t);
        }
        return context;
    }

    /** Runs the part in a remote JVM launched on its host for it, stopped when it ends; throws what the part threw. */
    private static void inVm(Method part, Host host, String role, Cluster cluster, Optional<Duration> deadline)
            throws Throwable {
        PartInVm call = new PartInVm(part, host.name(), ((ClassSync) cluster.sync()).envFile(host));
        Vm vm = cluster.vms().launch(host, 1, VmOptions.named(role + "-part")).get(0);
        try {
            vm.invoke(call, deadline.orElse(IN_VM_WITHOUT_DEADLINE));
        } catch (VmInvocationException e) {
            throw e.getCause() != null ? e.getCause() : e;      // what the part threw there, with its remote stack
        } finally {
            cluster.vms().stop("its part ended", StopMode.NICE_EXIT, StartMode.NEVER, VmTarget.id(vm.id()));
        }
    }

    @Override
    public void nodeFinished(MultiHostExecutionContext context, TestDescriptor descriptor, TestExecutionResult result) {
        if (context.pool() != null) {
            TestRecords.finished(context.pool().events().record(), getUniqueId().toString(), getDisplayName(),
                    model.testClass().getName(), result.getStatus().name(), result.getThrowable().orElse(null));
        }
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
