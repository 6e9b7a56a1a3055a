package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import java.util.Optional;

/**
 * Supplies one kind of handle by the parameter's exact type, like Jupiter's
 * {@code TestInfoParameterResolver}. Each resolver answers for one shape of parameter only.
 */
interface HandleResolver {

    /** Whether this resolver answers for the parameter's type and annotation. */
    boolean appliesTo(ParameterRequest request);

    /**
     * The value for the parameter, or empty when this resolver does not apply. A parameter this
     * resolver applies to but cannot fill (a role with three hosts for one {@code Host}) is an
     * error that says what to write instead.
     */
    default Optional<Object> resolve(ParameterRequest request, Cluster hosts) {
        return appliesTo(request) ? Optional.of(value(request, hosts)) : Optional.empty();
    }

    /** The value, called only when {@link #appliesTo} holds. */
    Object value(ParameterRequest request, Cluster hosts);
}
