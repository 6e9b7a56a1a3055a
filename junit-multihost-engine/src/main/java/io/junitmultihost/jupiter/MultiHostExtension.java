package io.junitmultihost.jupiter;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.Role;
import io.junitmultihost.engine.internal.diagnostics.Artifacts;
import io.junitmultihost.engine.internal.diagnostics.TestDeadline;
import io.junitmultihost.engine.internal.hosts.ConfigurationKeys;
import io.junitmultihost.engine.internal.hosts.HostLease;
import io.junitmultihost.engine.internal.hosts.HostPool;
import io.junitmultihost.engine.internal.hosts.HostSettings;
import io.junitmultihost.engine.internal.hosts.SessionPool;
import io.junitmultihost.engine.internal.injection.ParameterRequest;
import io.junitmultihost.engine.internal.injection.ParameterResolution;
import io.junitmultihost.engine.internal.model.RoleDeclarations;
import io.junitmultihost.engine.internal.report.TestRecords;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.StoreScope;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.opentest4j.TestAbortedException;
import org.slf4j.LoggerFactory;

/**
 * The Jupiter extension behind {@link MultiHost}: leases the test class's hosts before its first
 * test (from the launcher session's pool, shared with the junit-multihost engine), returns them
 * after its last, and injects {@code @Role("x") Host}, {@code @Role("x") List<Host>},
 * {@code Cluster} and (for a class with one host) {@code Host} into test, lifecycle and
 * constructor parameters. {@code @Nested} classes use their enclosing class's hosts unless they
 * declare roles of their own. When a role cannot get its minimum within
 * {@code multihost.hosts.timeout}, the class is skipped with the reason (an execution condition);
 * Surefire reports each of its tests skipped with that reason. With
 * {@code multihost.hosts.shortfall=fail} the class fails with it instead.
 */
public final class MultiHostExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback, AfterAllCallback,
        TestInstancePreConstructCallback, ParameterResolver, InvocationInterceptor, BeforeTestExecutionCallback,
        AfterTestExecutionCallback, TestExecutionExceptionHandler {

    private static final Namespace NAMESPACE = Namespace.create(HostPool.NAMESPACE);
    private static final String ARTIFACTS = "artifacts";

    /**
     * Leases the hosts of a class that declares roles as it starts (before anything else of it
     * runs, even a per-class constructor), and disables it with the reason when a role cannot get
     * its minimum: reports show the class and each of its tests skipped with that reason.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!(context.getElement().orElse(null) instanceof Class<?> testClass)
                || RoleDeclarations.of(testClass).isEmpty()) {
            return ConditionEvaluationResult.enabled("The hosts of an enclosing class are used.");
        }
        try {
            return ConditionEvaluationResult.enabled("Hosts " + leaseFor(context).describe() + ".");
        } catch (TestAbortedException e) {
            return ConditionEvaluationResult.disabled(e.getMessage());
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        HostLease lease = leaseFor(context);
        context.publishReportEntry("multihost.hosts", lease.describe());
        if (owner(context) == context) { // a nested class shares its outer class's hosts and reports
            lease.reportHostStates(line -> context.publishReportEntry("multihost.host-state", line));
        }
    }

    /** Fails a test whose class lost its hosts' lease (a lost ZooKeeper session): none runs on a host it does not hold. */
    @Override
    public void beforeEach(ExtensionContext context) {
        leaseFor(context).checkHeld();
    }

    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        leaseFor(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        HostLease lease = context.getStore(NAMESPACE).remove(leaseKey(context.getRequiredTestClass()), HostLease.class);
        if (lease != null) {
            lease.close();
            // the run's report as it stands at the class's end, attached to the class
            for (Path file : pool(context).writeReport()) {
                boolean page = file.toString().endsWith(".html");
                attach(context, file.getFileName().toString(), page ? MediaType.create("text", "html")
                        : MediaType.create("application", "x-ndjson"), file);
            }
        }
    }

    /**
     * Runs the test under {@code multihost.test.timeout} (default {@code 1h}; Jupiter's own
     * {@code @Timeout} applies as well): past it, what the test, its syncs and its remote JVMs were
     * doing is gathered, the test's thread is interrupted, and the test fails with that.
     */
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context) throws Throwable {
        HostLease lease = leaseFor(context);
        TestDeadline.runHere(context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName(),
                TestDeadline.of("", context::getConfigurationParameter), lease::diagnostics, invocation::proceed);
    }

    /** Collects the failed test's artifacts ({@code @Collect}) before any teardown runs, then lets the failure go on. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        Artifacts artifacts = context.getStore(NAMESPACE).remove(ARTIFACTS, Artifacts.class);
        if (artifacts != null) {
            publish(context, artifacts.collect(!(throwable instanceof TestAbortedException)));
        }
        throw throwable;
    }

    private static void publish(ExtensionContext context, List<Path> files) {
        for (Path file : files) {
            attach(context, file.getParent().getFileName() + "__" + file.getFileName(), MediaType.TEXT_PLAIN, file);
        }
    }

    /** Attaches a copy of {@code file}; a launcher that takes no files (no output directory) gets none, and the test goes on. */
    private static void attach(ExtensionContext context, String name, MediaType type, Path file) {
        try {
            context.publishFile(name, type, target -> Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING));
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(MultiHostExtension.class).debug("[{}] could not be attached: {}", file, e.toString());
        }
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        Artifacts.forTest(context.getRequiredTestClass(), context.getRequiredTestMethod(), leaseFor(context).cluster(),
                context::getConfigurationParameter).ifPresent(artifacts -> {
                    artifacts.started();
                    context.getStore(NAMESPACE).put(ARTIFACTS, artifacts);
                });
        TestRecords.started(pool(context).events().record(), context.getUniqueId(), context.getDisplayName(),
                context.getRequiredTestClass().getName());
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        Artifacts artifacts = context.getStore(NAMESPACE).remove(ARTIFACTS, Artifacts.class);
        if (artifacts != null) { // not collected on a failure: collected now when they always are
            publish(context, artifacts.collect(false));
        }
        Throwable failure = context.getExecutionException().orElse(null);
        String status = failure == null ? "SUCCESSFUL" : failure instanceof TestAbortedException ? "ABORTED" : "FAILED";
        TestRecords.finished(pool(context).events().record(), context.getUniqueId(), context.getDisplayName(),
                context.getRequiredTestClass().getName(), status, failure);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return ParameterResolution.isHandle(parameterContext.getParameter());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Optional<String> role = parameterContext.findAnnotation(Role.class).map(RoleDeclarations::nameOf);
        ParameterRequest request = new ParameterRequest(parameterContext.getParameter(),
                parameterContext.getDeclaringExecutable(), role);
        try {
            return ParameterResolution.resolve(request, leaseFor(extensionContext).cluster());
        } catch (MultiHostException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /** The lease of the nearest enclosing class that declares roles; taken on first use. */
    private static HostLease leaseFor(ExtensionContext context) {
        ExtensionContext owner = owner(context);
        Class<?> testClass = owner.getRequiredTestClass();
        RoleDeclarations roles = RoleDeclarations.of(testClass);
        if (!roles.problems().isEmpty()) {
            throw new ConfigurationException(String.join(" ", roles.problems()));
        }
        // The key names the class: store lookups also see the enclosing classes' values.
        return owner.getStore(NAMESPACE).computeIfAbsent(leaseKey(testClass),
                key -> pool(context).lease(testClass.getName(), roles.roles()), HostLease.class);
    }

    private static ExtensionContext owner(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getElement().orElse(null) instanceof Class<?> testClass && !RoleDeclarations.of(testClass).isEmpty()) {
                return c;
            }
        }
        throw new ConfigurationException("Test class [" + context.getTestClass().map(Class::getName).orElse("?")
                + "] uses @MultiHost but neither it nor an enclosing class declares hosts;"
                + " add @Hosts(@Role(name = \"...\", count = 1)) or @Role(...) to the class.");
    }

    private static HostPool pool(ExtensionContext context) {
        // The holder reports a configuration that cannot work once for the run (SessionPool).
        return context.getStore(StoreScope.LAUNCHER_SESSION, NAMESPACE).computeIfAbsent(HostPool.KEY,
                key -> new SessionPool(() -> HostPool.create(HostSettings.from(
                        ConfigurationKeys.collect(ConfigurationKeys.candidates(), context::getConfigurationParameter)))),
                SessionPool.class).get();
    }

    private static String leaseKey(Class<?> testClass) {
        return "lease:" + testClass.getName();
    }
}
