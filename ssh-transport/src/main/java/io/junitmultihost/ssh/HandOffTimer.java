package io.junitmultihost.ssh;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool's timer, which every host's deadlines share: its one thread only hands each due task
 * to a worker. What a deadline does may block (closing a channel whose write is stuck on a dead
 * link waits until TCP gives up), and run on the timer thread it held up every other deadline of
 * the pool: a download on one cut link failed late while an upload on another was stuck.
 */
final class HandOffTimer extends ScheduledThreadPoolExecutor {

    private final Executor workers;

    HandOffTimer(Executor workers) {
        super(1, timerThreads());
        this.workers = workers;
        setRemoveOnCancelPolicy(true);
    }

    private static java.util.concurrent.ThreadFactory timerThreads() {
        AtomicInteger threads = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "ssh-pool-timer-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return super.schedule(() -> handOff(command), delay, unit);
    }

    /** Not for the pool's deadlines: these would run on the timer thread itself. */
    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("The pool's timer hands off Runnables only.");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("The pool's timer hands off one-shot Runnables only.");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("The pool's timer hands off one-shot Runnables only.");
    }

    private void handOff(Runnable command) {
        try {
            workers.execute(command);
        } catch (RejectedExecutionException poolClosed) {
            // the pool is closing: its sessions are being closed anyway
        }
    }
}
