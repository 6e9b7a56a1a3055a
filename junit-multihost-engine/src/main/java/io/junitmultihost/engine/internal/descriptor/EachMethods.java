package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.engine.internal.injection.Invoker;
import io.junitmultihost.engine.internal.model.TestClassModel;
import java.lang.reflect.Method;

/** The class's {@code @MultiHostBeforeEach} and {@code @MultiHostAfterEach} methods, around a test or a distributed test. */
final class EachMethods {

    private EachMethods() {
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
