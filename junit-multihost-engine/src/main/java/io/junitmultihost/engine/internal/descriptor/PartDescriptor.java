package io.junitmultihost.engine.internal.descriptor;

import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.hierarchical.Node;

/**
 * One part of a distributed test on one host ({@code server on host-1}). The part already runs, with
 * the others, when this node executes: it reports the part's outcome once the part ends. Internal.
 */
final class PartDescriptor extends AbstractTestDescriptor implements Node<MultiHostExecutionContext> {

    private final CaseRun run;

    PartDescriptor(UniqueId uniqueId, String displayName, MethodSource source, CaseRun run) {
        super(uniqueId, displayName, source);
        this.run = run;
    }

    @Override
    public Type getType() {
        return Type.TEST;
    }

    @Override
    public MultiHostExecutionContext execute(MultiHostExecutionContext context, DynamicTestExecutor executor) {
        try {
            run.outcomeOf(this);
        } catch (Throwable t) {
            throw Throwables.rethrow(t);
        }
        return context;
    }
}
