package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;

/**
 * Runs a fault's command on a host without making it the class's: it must run while the class's
 * owner closes too (to lift what the class left), bounded by the command's own deadline.
 */
@FunctionalInterface
public interface FaultExec {

    /** Runs {@code command} on {@code host} within its deadline. */
    ExecResult run(Host host, Command command);
}
