package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;

/**
 * A host that runs a command while its class's owner closes, when the class starts nothing more:
 * for removing what the class's remote JVMs left (their token file). Internal.
 */
public interface CleanUpExec {

    /** Runs {@code command} without registering it with the class, within its deadline. */
    ExecResult execToCleanUp(Command command);
}
