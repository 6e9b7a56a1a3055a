package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.ConfigurationException;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Fills parameters with handles by exact type: {@code @Role("x") Host}, {@code @Role("x")
 * List<Host>}, {@code Cluster}, {@code StateWait}, {@code Sync}, and {@code Host} alone when the class has
 * exactly one host.
 * Anything else is an error worded like Jupiter's. Internal: used by the engine and the Jupiter
 * extension.
 */
public final class ParameterResolution {

    private static final List<HandleResolver> RESOLVERS = List.of(
            new RoleHostResolver(), new RoleHostListResolver(), new ClusterResolver(), new StateWaitResolver(), new SyncResolver(), new VmsResolver(),
            new FaultsResolver(),            new OnlyHostResolver());

    private static final String KINDS = " Parameters can be @Role(\"name\") Host, @Role(\"name\") List<Host>,"
            + " Cluster, StateWait, Sync, Vms, Faults, or Host alone when the class has exactly one host.";

    private ParameterResolution() {
    }

    /** Whether some resolver answers for the parameter's type (Jupiter's {@code supportsParameter}). */
    public static boolean isHandle(Parameter parameter) {
        return HandleTypes.isHandle(parameter);
    }

    /**
     * The value for one parameter from {@code hosts}.
     *
     * @throws ConfigurationException when no resolver applies, or the one that applies cannot fill it
     */
    public static Object resolve(ParameterRequest request, Cluster hosts) {
        for (HandleResolver resolver : RESOLVERS) {
            Optional<Object> value = resolver.resolve(request, hosts);
            if (value.isPresent()) {
                return value.get();
            }
        }
        throw new ConfigurationException(noResolver(request));
    }

    /** The values for every parameter of {@code executable}, in order. */
    public static Object[] resolveAll(Executable executable, Cluster hosts) {
        Parameter[] parameters = executable.getParameters();
        Object[] values = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            values[i] = resolve(ParameterRequest.of(parameters[i]), hosts);
        }
        return values;
    }

    /**
     * What is wrong with the parameters of {@code executable} before any host exists: a type no
     * resolver answers for, or a role the class does not declare. Empty when all is well.
     */
    public static List<String> problems(Executable executable, Set<String> declaredRoles) {
        List<String> problems = new ArrayList<>();
        for (Parameter parameter : executable.getParameters()) {
            ParameterRequest request = ParameterRequest.of(parameter);
            if (RESOLVERS.stream().noneMatch(r -> r.appliesTo(request))) {
                problems.add(noResolver(request));
            } else if (request.role().isPresent() && !declaredRoles.contains(request.role().get())
                    && parameter.getType() != Cluster.class) {
                problems.add("The " + request.where() + " names the role [" + request.role().get()
                        + "], which its class does not declare; declared roles: " + declaredRoles + ".");
            }
        }
        return problems;
    }

    private static String noResolver(ParameterRequest request) {
        return String.format("No resolver registered for parameter [%s] in method [%s].",
                request.parameter(), request.executable().toGenericString()) + KINDS;
    }
}
