package io.junitmultihost.engine.internal.descriptor;

import io.junitmultihost.engine.internal.hosts.HostLease;
import org.opentest4j.TestAbortedException;

/**
 * What a running test class holds: its hosts and its one instance. Mutable, because the node's
 * {@code after} must see what {@code before} got even when {@code before} failed half way.
 */
final class ClassState {

    private HostLease lease;
    private Object instance;
    private TestAbortedException abort;

    /** Why the class could not get its hosts, or null. */
    TestAbortedException abort() {
        return abort;
    }

    void abort(TestAbortedException abort) {
        this.abort = abort;
    }

    HostLease lease() {
        return lease;
    }

    void lease(HostLease lease) {
        this.lease = lease;
    }

    Object instance() {
        return instance;
    }

    void instance(Object instance) {
        this.instance = instance;
    }
}
