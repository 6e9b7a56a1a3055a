package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import java.time.Duration;

/**
 * A host that can reach a port of the test JVM's loopback: an SSH remote forward from the host's
 * loopback. Implemented by the engine's hosts. Internal.
 */
public interface SyncReachable {

    /**
     * Forwards a port on the host's loopback to {@code localPort} on the test JVM's loopback and
     * returns the host's port. The forward is set up again on the same port after a reconnect.
     */
    int forwardToTestJvm(int localPort, Duration deadline);

    /**
     * As {@link #forwardToTestJvm(int, Duration)}; when a reconnect finds the old port still held
     * on the host, the forward moves to a new one and {@code watcher} hears of it (before the call
     * that reconnected goes on), or of the forward being lost.
     */
    int forwardToTestJvm(int localPort, Duration deadline, ForwardWatcher watcher);

    /** What a host's forward to the test JVM reports after a reconnect. */
    interface ForwardWatcher {

        /** The forward now listens on {@code port} on the host. */
        void moved(int port);

        /** The forward could not be set up again; {@code why} names the host. */
        void lost(String why);
    }

    /** Makes sure the host's connection (and so its forwards) is up, for example after a reboot. */
    void reconnect(Duration deadline);

    /** From now on every command of the class on this host has {@code name=value} in its environment (its own values win). */
    void exportToCommands(String name, String value);

    /** Runs a command while the class's owner closes (the sync's clean-up), bounded by the command's deadline. */
    ExecResult execToCleanUp(Command command);
}
