package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.internal.injection.Invoker;
import io.junitmultihost.engine.internal.model.TestClassModel;
import io.junitmultihost.engine.internal.report.TestRecords;
import java.lang.reflect.Method;
import java.util.List;
import org.opentest4j.TestAbortedException;

/**
 * The start of a test or a distributed test, and the class's {@code @MultiHostBeforeEach} and
 * {@code @MultiHostAfterEach} methods around it.
 */
final class EachMethods {

    private EachMethods() {
    }

    /**
     * Starts a test or a distributed test: records its start, refuses it for the class's problems
     * with its declaration or an abort of its class, checks that the class still holds its hosts,
     * then runs the before-each methods.
     */
    static void start(MultiHostExecutionContext context, String id, String name, TestClassModel model, List<String> problems) {
        if (context.pool() != null) {
            TestRecords.started(context.pool().events().record(), id, name, model.testClass().getName());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join(" ", problems));
        }
        ClassState state = context.classState();
        if (state.abort() != null) {
            throw new TestAbortedException(state.abort().getMessage(), state.abort());
        }
        state.lease().checkHeld();
        before(model, state);
    }

    /** Runs the before-each methods; the first that throws ends it. */
    static void before(TestClassModel model, ClassState state) {
        try {
            for (Method each : model.beforeEach()) {
                Invoker.invoke(each, state.instance(), state.lease().cluster());
            }
        } catch (Throwable t) {
            throw Throwables.rethrow(t);
        }
    }

    /** Runs every after-each method, even when one throws; then throws what they threw. */
    static void after(TestClassModel model, ClassState state) {
        Throwable failure = null;
        for (Method each : model.afterEach()) {
            try {
                Invoker.invoke(each, state.instance(), state.lease().cluster());
            } catch (Throwable t) {
                failure = Throwables.add(failure, t);
            }
        }
        if (failure != null) {
            throw Throwables.rethrow(failure);
        }
    }
}
