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
    private final RunCancellation cancellation;

    /** The context the engine starts with. */
    public MultiHostExecutionContext(ExecutionRequest request) {
        this(request, null, null, RunCancellation.never());
    }

    private MultiHostExecutionContext(ExecutionRequest request, HostPool pool, ClassState classState,
            RunCancellation cancellation) {
        this.request = request;
        this.pool = pool;
        this.classState = classState;
        this.cancellation = cancellation;
    }

    EngineExecutionListener listener() {
        return request.getEngineExecutionListener();
    }

    /** The launcher session's pool, found or created in its store. */
    HostPool sessionPool() {
        return sessionPool(request);
    }

    /** The launcher session's pool of {@code request}, found or created in its store. */
    static HostPool sessionPool(ExecutionRequest request) {
        ConfigurationParameters parameters = request.getConfigurationParameters();
        return HostPool.inSession(request.getStore(),
                () -> ConfigurationKeys.collect(parameters.keySet(), parameters::get));
    }

    /** Watches the request's cancellation token; closed by the engine node as the run ends. */
    RunCancellation watchCancellation() {
        return RunCancellation.of(request.getCancellationToken());
    }

    RunCancellation cancellation() {
        return cancellation;
    }

    HostPool pool() {
        return pool;
    }

    ClassState classState() {
        return classState;
    }

    MultiHostExecutionContext withPool(HostPool pool, RunCancellation cancellation) {
        return new MultiHostExecutionContext(request, pool, classState, cancellation);
    }

    MultiHostExecutionContext withClassState(ClassState classState) {
        return new MultiHostExecutionContext(request, pool, classState, cancellation);
    }
}
