package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.Sync;
import io.junitmultihost.sync.SyncClient;
import io.junitmultihost.sync.SyncScope;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The syncs of one distributed test: a scope of its own on the class's sync server, so that
 * aborting it (when a part fails) aborts only this test's waits, and a {@link Sync} per part,
 * speaking as the part's host. Closed when the test ends. Internal.
 */
public final class CaseSync implements AutoCloseable {

    private final SyncScope scope;
    private final List<SyncClient> clients = new CopyOnWriteArrayList<>();
    private final Runnable onClose;
    private final TimeoutNotes notes;

    CaseSync(SyncScope scope, TimeoutNotes notes, Runnable onClose) {
        this.scope = scope;
        this.notes = notes;
        this.onClose = onClose;
    }

    /** The Sync of the part that runs as {@code participant} (its host's name). */
    public Sync forPart(String participant) {
        SyncClient client = scope.client(participant);
        clients.add(client);
        return new ParticipantSync(client, notes);
    }

    /** Aborts every wait of the test at once, saying {@code by} whom and why. */
    public void abort(String by, String reason) {
        scope.abort(by, reason);
    }

    @Override
    public void close() {
        clients.forEach(SyncClient::close);
        scope.close();
        onClose.run();
    }
}
