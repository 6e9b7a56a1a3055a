package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.SerializableCallable;
import io.junitmultihost.api.Sync;
import io.junitmultihost.api.VmContext;
import io.junitmultihost.engine.internal.sync.ParticipantSync;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A distributed test's part that runs inside a remote JVM on its host ({@code inVm = true}): it
 * travels there by the names of its class and method, and there makes a new instance of the class,
 * a Sync speaking as its host (from the host's {@code sync.env}, so it meets the test's other parts)
 * and calls the part. Internal.
 */
public final class PartInVm implements SerializableCallable<Void> {

    private static final long serialVersionUID = 1L;

    private final String className;
    private final String methodName;
    private final String host;
    private final String syncEnv;

    /**
     * @param method the part
     * @param host the name of the part's host, as whom it syncs
     * @param syncEnv the path of the host's {@code sync.env}
     * @throws ConfigurationException naming a parameter the part cannot have in a remote JVM
     */
    public PartInVm(Method method, String host, String syncEnv) {
        List<String> problems = problems(method);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join(" ", problems));
        }
        this.className = method.getDeclaringClass().getName();
        this.methodName = method.getName();
        this.host = host;
        this.syncEnv = syncEnv;
    }

    /** What keeps {@code part} from running in a remote JVM: each parameter that cannot be had there. */
    public static List<String> problems(Method part) {
        List<String> found = new ArrayList<>();
        for (Parameter parameter : part.getParameters()) {
            if (parameter.getType() != Sync.class && parameter.getType() != VmContext.class) {
                found.add("Part [" + part.getDeclaringClass().getSimpleName() + "." + part.getName()
                        + "] runs in a remote JVM (inVm = true), where its parameter [" + parameter.getName()
                        + "] of type [" + parameter.getType().getSimpleName()
                        + "] cannot be had; such a part may take a Sync and the VmContext only.");
            }
        }
        return found;
    }

    @Override
    public Void call() throws Exception {
        Class<?> testClass = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        Method method = null;
        for (Method m : testClass.getDeclaredMethods()) {
            if (m.getName().equals(methodName)) {
                method = m;
            }
        }
        if (method == null) {
            throw new IllegalStateException("Class [" + className + "] has no method [" + methodName + "] in the remote JVM.");
        }
        Object target = null;
        if (!Modifier.isStatic(method.getModifiers())) {
            Constructor<?> constructor = testClass.getDeclaredConstructor();
            constructor.setAccessible(true);
            target = constructor.newInstance();
        }
        Object[] arguments = new Object[method.getParameterCount()];
        for (int i = 0; i < arguments.length; i++) {
            arguments[i] = method.getParameterTypes()[i] == Sync.class ? ParticipantSync.onHost(Path.of(syncEnv), host)
                    : VmContext.current().orElseThrow();
        }
        method.setAccessible(true);
        try {
            method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getTargetException() instanceof Exception thrown) {
                throw thrown;
            }
            if (e.getTargetException() instanceof Error error) {
                throw error;
            }
            throw e;
        }
        return null;
    }
}
