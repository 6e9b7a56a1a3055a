package io.junitmultihost.ssh;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Commands started by one fan-out call on its thread, so that a fail-fast fan-out can end them:
 * interrupting the thread is not enough, as JSch swallows interrupts while opening channels.
 */
final class CancelScope {

    private static final ThreadLocal<CancelScope> CURRENT = new ThreadLocal<>();

    private final Set<ExecRun> runs = ConcurrentHashMap.newKeySet();
    private volatile String cancelledBecause;

    /** Runs {@code work} with this scope current on this thread. */
    <T> T run(Supplier<T> work) {
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            CURRENT.remove();
        }
    }

    /** Registers a command started on this thread's scope, if any; refuses to start one in a cancelled scope. */
    static void register(ExecRun run) {
        CancelScope scope = CURRENT.get();
        if (scope == null) {
            return;
        }
        scope.checkNotCancelled();
        scope.runs.add(run);
        run.future().whenComplete((result, failure) -> scope.runs.remove(run));
        if (scope.cancelledBecause != null) {
            run.cancel();
        }
    }

    /** Throws if the current thread's scope was cancelled. */
    static void checkCurrent() {
        CancelScope scope = CURRENT.get();
        if (scope != null) {
            scope.checkNotCancelled();
        }
    }

    private void checkNotCancelled() {
        if (cancelledBecause != null) {
            throw new CancellationException(cancelledBecause);
        }
    }

    /** Ends every command of the scope (on {@code executor}, in parallel) and refuses new ones. */
    void cancel(String because, Executor executor) {
        cancelledBecause = because;
        for (ExecRun run : runs) {
            executor.execute(run::cancel);
        }
    }
}
