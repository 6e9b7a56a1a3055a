package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Vms;

/** {@code Vms vms}: remote JVMs on the class's hosts. */
final class VmsResolver implements HandleResolver {

    @Override
    public boolean appliesTo(ParameterRequest request) {
        return request.parameter().getType() == Vms.class;
    }

    @Override
    public Object value(ParameterRequest request, Cluster hosts) {
        return hosts.vms();
    }
}
