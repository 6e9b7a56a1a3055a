package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.ClusterState;
import io.junitmultihost.api.SyncAbortedException;
import io.junitmultihost.api.SyncFailedException;
import io.junitmultihost.sync.ClusterOutcome;
import io.junitmultihost.sync.ClusterResult;
import io.junitmultihost.sync.KeyValue;
import io.junitmultihost.sync.SyncClient;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** The test JVM's view of its class's cluster state, over the server's client. Internal. */
final class ControllerClusterState implements ClusterState {

    private final SyncClient controller;
    private final TimeoutNotes notes;

    ControllerClusterState(SyncClient controller, TimeoutNotes notes) {
        this.controller = controller;
        this.notes = notes;
    }

    @Override
    public long set(String key, String value) {
        return SyncFailures.around(() -> controller.set(key, value));
    }

    @Override
    public Optional<String> get(String key) {
        return SyncFailures.around(() -> controller.get(key).map(KeyValue::text));
    }

    @Override
    public boolean compareAndSet(String key, String expected, String newValue) {
        return SyncFailures.around(() -> controller.compareAndSet(key, expected, newValue));
    }

    @Override
    public String waitKey(String key, Duration timeout) {
        return SyncFailures.around(() -> controller.waitKey(key, timeout).text());
    }

    @Override
    public void writeState(String state, String role, String address) {
        SyncFailures.around(() -> {
            controller.writeState(state, role, address);
            return null;
        });
    }

    @Override
    public Map<String, String> waitReady(Collection<String> members, Duration timeout) {
        return members(SyncFailures.around(() -> {
            controller.defineCluster(members);
            return controller.waitReady(timeout);
        }));
    }

    @Override
    public Map<String, String> waitFinish(Collection<String> members, Duration timeout) {
        return members(SyncFailures.around(() -> {
            controller.defineCluster(members);
            return controller.waitFinish(timeout);
        }));
    }

    private Map<String, String> members(ClusterResult result) {
        if (result.outcome() == ClusterOutcome.ABORT) {
            throw new SyncAbortedException(result.reason(), null, null);
        }
        if (result.outcome() == ClusterOutcome.TIMED_OUT) {
            throw new SyncFailedException(result.reason() + notes.about(result.members().keySet()), null, null);
        }
        return result.members();
    }
}
