package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;

/** {@code @Role("app") List<Host> apps}: every host a role got, in order. */
final class RoleHostListResolver implements HandleResolver {

    @Override
    public boolean appliesTo(ParameterRequest request) {
        return HandleTypes.isHostList(request.parameter()) && request.role().isPresent();
    }

    @Override
    public Object value(ParameterRequest request, Cluster hosts) {
        return hosts.role(request.role().orElseThrow());
    }
}
