package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.ConfigurationException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * Creates test instances and calls test and lifecycle methods with injected handles. What the
 * method throws is rethrown as it is (an {@link AssertionError} stays one). Internal.
 */
public final class Invoker {

    private Invoker() {
    }

    /** Calls {@code method} on {@code target} (ignored when static) with its parameters filled. */
    public static Object invoke(Method method, Object target, Cluster hosts) throws Throwable {
        Object[] arguments = ParameterResolution.resolveAll(method, hosts);
        method.setAccessible(true);
        try {
            return method.invoke(Modifier.isStatic(method.getModifiers()) ? null : target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getTargetException();
        }
    }

    /**
     * Creates an instance of {@code testClass} through its only constructor, or its no-argument
     * one when it has several; constructor parameters are injected like method parameters.
     */
    public static Object newInstance(Class<?> testClass, Cluster hosts) throws Throwable {
        Constructor<?> constructor = constructorOf(testClass);
        Object[] arguments = ParameterResolution.resolveAll(constructor, hosts);
        constructor.setAccessible(true);
        try {
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw e.getTargetException();
        }
    }

    /** The constructor the engine uses, or a {@link ConfigurationException} saying why there is none. */
    public static Constructor<?> constructorOf(Class<?> testClass) {
        Constructor<?>[] constructors = testClass.getDeclaredConstructors();
        if (constructors.length == 1) {
            return constructors[0];
        }
        return Arrays.stream(constructors).filter(c -> c.getParameterCount() == 0).findFirst()
                .orElseThrow(() -> new ConfigurationException("Class [" + testClass.getName() + "] has ["
                        + constructors.length + "] constructors and none without parameters; give it exactly one."));
    }
}
