package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.Sync;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
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
     * Calls part {@code method} of a distributed test on {@code target}: a {@link Host} without
     * {@code @Role} is the part's own {@code host}, a {@link Sync} is {@code sync}; the rest is
     * injected as for a test.
     */
    public static void invokePart(Method method, Object target, Cluster hosts, Host host, Sync sync) throws Throwable {
        Parameter[] parameters = method.getParameters();
        Object[] arguments = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            ParameterRequest request = ParameterRequest.of(parameters[i]);
            if (parameters[i].getType() == Host.class && request.role().isEmpty()) {
                arguments[i] = host;
            } else if (parameters[i].getType() == Sync.class) {
                arguments[i] = sync;
            } else {
                arguments[i] = ParameterResolution.resolve(request, hosts);
            }
        }
        method.setAccessible(true);
        try {
            method.invoke(Modifier.isStatic(method.getModifiers()) ? null : target, arguments);
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
