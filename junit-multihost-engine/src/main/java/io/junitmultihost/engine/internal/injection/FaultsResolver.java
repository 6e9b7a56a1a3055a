package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Faults;

/** {@code Faults faults}: faults on and between the class's hosts. */
final class FaultsResolver implements HandleResolver {

    @Override
    public boolean appliesTo(ParameterRequest request) {
        return request.parameter().getType() == Faults.class;
    }

    @Override
    public Object value(ParameterRequest request, Cluster hosts) {
        return hosts.faults();
    }
}
