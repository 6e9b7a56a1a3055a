package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.ConfigurationException;
import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher session's {@link HostPool}, made on first use, as the engine and the Jupiter
 * extension find it in the session's store. A configuration that cannot work (an unknown
 * provider, a setting the provider refuses) is reported once: the first class or engine to ask
 * fails with its {@link ConfigurationException}, and later ones are skipped pointing to it, so a
 * run with a typo in its settings is red with one failure rather than green with every class
 * skipped or red with the same error for every class. Closing it closes the pool. Thread-safe.
 * Internal.
 */
public final class SessionPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionPool.class);

    private final Supplier<HostPool> factory;
    private HostPool pool;
    private ConfigurationException failure;
    private boolean closed;

    /** @param factory makes the pool, or throws a {@link ConfigurationException} */
    public SessionPool(Supplier<HostPool> factory) {
        this.factory = factory;
    }

    /**
     * The pool, made on the first call.
     *
     * @throws ConfigurationException on the first call, when the pool cannot be made
     * @throws TestAbortedException on later calls, when it could not be made
     */
    public synchronized HostPool get() {
        if (pool != null) {
            return pool;
        }
        if (closed) {
            throw new ConfigurationException("The launcher session's host pool is closed.");
        }
        if (failure == null) {
            try {
                pool = factory.get();
                return pool;
            } catch (ConfigurationException e) {
                failure = e;
                LOG.error("No test that needs hosts can run: {}", e.getMessage());
                throw e;
            }
        }
        throw new TestAbortedException("Not run: the hosts' configuration is wrong, reported once for the run: "
                + failure.getMessage());
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
    }
}
