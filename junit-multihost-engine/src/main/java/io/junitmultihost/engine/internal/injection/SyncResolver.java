package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Sync;

/** {@code Sync sync}: remote sync between the test JVM and processes on the class's hosts. */
final class SyncResolver implements HandleResolver {

    @Override
    public boolean appliesTo(ParameterRequest request) {
        return request.parameter().getType() == Sync.class;
    }

    @Override
    public Object value(ParameterRequest request, Cluster hosts) {
        return hosts.sync();
    }
}
