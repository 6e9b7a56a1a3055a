package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Role;
import io.junitmultihost.engine.internal.model.RoleDeclarations;
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
                Optional.ofNullable(role).map(RoleDeclarations::nameOf));
    }

    /** {@code [parameter] in method [method]}, for messages. */
    String where() {
        return "parameter [" + parameter + "] in method [" + executable.toGenericString() + "]";
    }
}
