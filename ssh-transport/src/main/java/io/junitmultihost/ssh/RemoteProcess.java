package io.junitmultihost.ssh;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A command started on a host and possibly still running: wait for it, read what it printed so far,
 * or cancel it (which signals its remote process group). It is ended by the library when the
 * deadline given at start passes. Thread-safe.
 *
 * <pre>{@code
 * RemoteProcess server = host.start(RemoteCommand.argv("my-server", "--port", "8080"), Duration.ofMinutes(5));
 * // ... test against it ...
 * server.cancel();
 * }</pre>
 */
public interface RemoteProcess {

    /** The command; never null. */
    RemoteCommand command();

    /** The host it runs on; never null. */
    SshHost host();

    /**
     * The id of the remote process group the command runs in (the remote shell's pid), once the
     * host reported it; empty before, or when the host never did.
     */
    OptionalLong pid();

    /** Whether it has finished, failed, timed out or been cancelled. */
    boolean isDone();

    /**
     * Waits until it finishes, at most until the deadline given at start.
     *
     * @throws SshTimeoutException the deadline passed (the remote process group was ended)
     * @throws SshSessionLostException the connection dropped
     * @throws java.util.concurrent.CancellationException it was cancelled
     */
    RemoteResult await();

    /** Waits up to {@code wait}; empty when it is still running then (it is left running). */
    Optional<RemoteResult> await(Duration wait);

    /**
     * Completes with the result, or exceptionally as {@link #await()} would throw. Completing or
     * cancelling this future does not touch the command; use {@link #cancel()}.
     */
    CompletableFuture<RemoteResult> future();

    /**
     * Ends the remote process group (TERM, then KILL after the pool's grace) and closes the channel;
     * blocks until done, at most about the grace plus the channel open timeout. No-op when done.
     */
    void cancel();

    /** What it wrote to stdout so far (bounded by the pool's capture limit); never null. */
    byte[] stdoutSoFar();

    /** What it wrote to stderr so far (bounded by the pool's capture limit); never null. */
    byte[] stderrSoFar();
}
