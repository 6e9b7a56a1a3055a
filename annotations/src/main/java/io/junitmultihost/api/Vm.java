package io.junitmultihost.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A remote JVM launched by {@link Vms}: a logical id that survives restarts, and a PID that changes
 * with each start. Invocations run on threads of the remote JVM, several at once if asked.
 */
public interface Vm {

    /** Its logical id, its name, host, role and current PID. */
    VmInfo info();

    /** Its logical id, such as {@code vm-3}. */
    default String id() {
        return info().id();
    }

    /** Its name, such as {@code server-1}. */
    default String name() {
        return info().name();
    }

    /** The host it runs on. */
    Host host();

    /** The PID of its current start; -1 while it is stopped. */
    default long pid() {
        return info().pid();
    }

    /** Whether it is started and takes invocations. */
    boolean isRunning();

    /**
     * Runs {@code code} in the JVM and returns its result, within the configured exec deadline.
     *
     * @throws VmInvocationException the code threw (the cause is the remote exception, with its
     *     remote stack trace), or it did not finish by the deadline (the message holds the remote
     *     thread's stack and a thread dump)
     * @throws DynamicActionException the JVM is stopped or stopping
     */
    <T> T invoke(SerializableCallable<T> code);

    /** Runs {@code code} in the JVM and returns its result within {@code deadline}; see {@link #invoke(SerializableCallable)}. */
    <T> T invoke(SerializableCallable<T> code, Duration deadline);

    /** Runs {@code code} in the JVM within the configured exec deadline; see {@link #invoke(SerializableCallable)}. */
    void run(SerializableRunnable code);

    /** Starts {@code code} in the JVM and returns at once; the future fails as {@link #invoke} would throw. */
    <T> CompletableFuture<T> invokeAsync(SerializableCallable<T> code, Duration deadline);

    /** The path of its current log file on its host: {@code <dir>/<logical id>-<pid>.log}. */
    String logFile();
}
