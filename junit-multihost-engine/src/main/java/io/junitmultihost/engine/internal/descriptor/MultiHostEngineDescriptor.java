package io.junitmultihost.engine.internal.descriptor;

import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;
import org.junit.platform.engine.support.hierarchical.Node;

/**
 * The root of the engine's tree: when it has tests, finds or creates the launcher session's host
 * pool before they run, and watches for the run being cancelled while they do. Internal.
 */
public final class MultiHostEngineDescriptor extends EngineDescriptor implements Node<MultiHostExecutionContext> {

    /**
     * @param uniqueId the engine's id
     * @param displayName shown for the engine
     */
    public MultiHostEngineDescriptor(UniqueId uniqueId, String displayName) {
        super(uniqueId, displayName);
    }

    /**
     * Finds or creates the session's pool and watches for the run being cancelled, but only when
     * there are tests: the launcher runs every engine.
     */
    @Override
    public MultiHostExecutionContext before(MultiHostExecutionContext context) {
        return TestDescriptor.containsTests(this) ? context.withPool(context.sessionPool(), context.watchCancellation())
                : context;
    }

    /**
     * Stops watching for cancellation; writes the run's report so far and attaches its files to the
     * engine's result (they are written again, complete, when the launcher session ends).
     */
    @Override
    public void after(MultiHostExecutionContext context) {
        context.cancellation().close();
        if (context.pool() == null) {
            return;
        }
        for (java.nio.file.Path file : context.pool().writeReport()) {
            String type = file.toString().endsWith(".html") ? "text/html" : "application/x-ndjson";
            context.listener().fileEntryPublished(this, org.junit.platform.engine.reporting.FileEntry.from(file, type));
        }
    }
}
