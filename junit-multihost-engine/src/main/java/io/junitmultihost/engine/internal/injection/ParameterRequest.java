package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Role;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.Optional;

/**
 * A parameter to fill: the parameter, its method or constructor, and the role it names with
 * {@link Role}, if any. Internal.
 *
 * @param parameter the parameter
 * @param executable the method or constructor declaring it
 * @param role the role named by {@code @Role} on the parameter
 */
public record ParameterRequest(Parameter parameter, Executable executable, Optional<String> role) {

    /** A request for {@code parameter}, reading its {@code @Role} with plain reflection. */
    public static ParameterRequest of(Parameter parameter) {
        Role role = parameter.getAnnotation(Role.class);
        return new ParameterRequest(parameter, parameter.getDeclaringExecutable(),
                Optional.ofNullable(role).map(ParameterRequest::roleName));
    }

    /**
     * The name a {@code @Role} gives, from {@code value} or {@code name}; empty when neither. The
     * one rule for it: the model reads declarations with it too (it lives here so that the model,
     * which checks parameters with this package, is not needed back).
     */
    public static String roleName(Role role) {
        return role.value().isEmpty() ? role.name() : role.value();
    }

    /** {@code [parameter] in method [method]}, for messages. */
    String where() {
        return "parameter [" + parameter + "] in method [" + executable.toGenericString() + "]";
    }
}
