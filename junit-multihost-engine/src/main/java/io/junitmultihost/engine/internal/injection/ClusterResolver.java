package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;

/** {@code Cluster cluster}: all hosts of the test class. */
final class ClusterResolver implements HandleResolver {

    @Override
    public boolean appliesTo(ParameterRequest request) {
        return request.parameter().getType() == Cluster.class;
    }

    @Override
    public Object value(ParameterRequest request, Cluster hosts) {
        return hosts;
    }
}
