package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Host;
import java.util.List;

/** {@code Host host} without {@code @Role}: the only host of a class that has exactly one. */
final class OnlyHostResolver implements HandleResolver {

    @Override
    public boolean appliesTo(ParameterRequest request) {
        return request.parameter().getType() == Host.class && request.role().isEmpty();
    }

    @Override
    public Object value(ParameterRequest request, Cluster hosts) {
        List<Host> all = hosts.hosts();
        if (all.size() != 1) {
            throw new ConfigurationException("The " + request.where()
                    + " is a Host without @Role, which works only when the class has exactly one host, but it has ["
                    + all.size() + "]: " + HandleTypes.names(all) + ". Name the role with @Role(\"...\").");
        }
        return all.get(0);
    }
}
