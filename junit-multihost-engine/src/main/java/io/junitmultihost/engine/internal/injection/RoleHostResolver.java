package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import java.util.List;

/** {@code @Role("db") Host db}: the one host of a role. */
final class RoleHostResolver implements HandleResolver {

    @Override
    public boolean appliesTo(ParameterRequest request) {
        return request.parameter().getType() == Host.class && request.role().isPresent();
    }

    @Override
    public Object value(ParameterRequest request, Cluster hosts) {
        String role = request.role().orElseThrow();
        List<Host> of = hosts.role(role);
        if (of.size() != 1) {
            throw new ConfigurationException("The " + request.where() + " asks for the single host of role [" + role
                    + "], but the role has [" + of.size() + "] hosts: " + HandleTypes.names(of)
                    + ". Declare it as @Role(\"" + role + "\") List<Host> to get them all.");
        }
        return of.get(0);
    }
}
