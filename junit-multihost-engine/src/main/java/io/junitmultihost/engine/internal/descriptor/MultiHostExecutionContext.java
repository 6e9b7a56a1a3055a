package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.engine.internal.hosts.ConfigurationKeys;
import io.junitmultihost.engine.internal.hosts.HostPool;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.support.hierarchical.EngineExecutionContext;

/**
 * What the engine's nodes pass down while they run: the request, the host pool (from the engine
 * node on) and the running class's state (from the class node on). Immutable; the with-ers return
 * new contexts. Internal: public only because the engine class names it.
 */
public final class MultiHostExecutionContext implements EngineExecutionContext {

    private final ExecutionRequest request;
    private final HostPool pool;
    private final ClassState classState;

    /** The context the engine starts with. */
    public MultiHostExecutionContext(ExecutionRequest request) {
        this(request, null, null);
    }

    private MultiHostExecutionContext(ExecutionRequest request, HostPool pool, ClassState classState) {
        this.request = request;
        this.pool = pool;
        this.classState = classState;
    }

    EngineExecutionListener listener() {
        return request.getEngineExecutionListener();
    }

    /** The launcher session's pool, found or created in its store. */
    HostPool sessionPool() {
        ConfigurationParameters parameters = request.getConfigurationParameters();
        return HostPool.inSession(request.getStore(),
                () -> ConfigurationKeys.collect(parameters.keySet(), parameters::get));
    }

    HostPool pool() {
        return pool;
    }

    ClassState classState() {
        return classState;
    }

    MultiHostExecutionContext withPool(HostPool pool) {
        return new MultiHostExecutionContext(request, pool, classState);
    }

    MultiHostExecutionContext withClassState(ClassState classState) {
        return new MultiHostExecutionContext(request, pool, classState);
    }
}
