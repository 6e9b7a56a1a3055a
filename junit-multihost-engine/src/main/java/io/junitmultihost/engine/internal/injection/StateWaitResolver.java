package io.junitmultihost.engine.internal.injection;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.StateWait;

/** {@code StateWait states}: waits for state changes of the test class's hosts. */
final class StateWaitResolver implements HandleResolver {

    @Override
    public boolean appliesTo(ParameterRequest request) {
        return request.parameter().getType() == StateWait.class;
    }

    @Override
    public Object value(ParameterRequest request, Cluster hosts) {
        return hosts.states();
    }
}
