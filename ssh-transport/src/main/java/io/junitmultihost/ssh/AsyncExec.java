package io.junitmultihost.ssh;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A started command: the {@link RemoteProcess} handed to callers, ended by a timer at its deadline. */
final class AsyncExec implements RemoteProcess {

    /** How long a caller that has the result waits for the line consumer to take the last lines. */
    private static final Duration LINES_WAIT = Duration.ofSeconds(1);

    private final SshHost host;
    private final ExecRun run;
    private final Deadline deadline;
    private final ScheduledFuture<?> deadlineTimer;

    AsyncExec(SshHost host, ExecRun run, Deadline deadline, ScheduledExecutorService timer) {
        this.host = host;
        this.run = run;
        this.deadline = deadline;
        // the kill script blocks: the pool's timer runs it on a worker (HandOffTimer)
        this.deadlineTimer = timer.schedule(() -> {
            if (!run.future().isDone()) {
                run.timedOut(deadline);
                run.disconnect();
            }
        }, Math.max(1, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        run.future().whenComplete((result, failure) -> {
            deadlineTimer.cancel(false);
            run.disconnect();
        });
    }

    @Override
    public RemoteCommand command() {
        return run.command();
    }

    @Override
    public SshHost host() {
        return host;
    }

    @Override
    public OptionalLong pid() {
        long group = run.pgid();
        return group > 1 ? OptionalLong.of(group) : OptionalLong.empty();
    }

    @Override
    public boolean isDone() {
        return run.future().isDone();
    }

    @Override
    public RemoteResult await() {
        try {
            // the timer ends the process at the deadline; the extra time covers the kill script
            Duration slack = Duration.ofSeconds(30);
            return linesIn(run.future().get(Math.max(0, deadline.remainingNanos()) + slack.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            throw run.timedOut(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("Interrupted while waiting for command [" + run.command().display() + "] on host ["
                    + host.target().describe() + "]; it keeps running.", e);
        } catch (ExecutionException e) {
            throw ExecRun.rethrown(e.getCause());
        }
    }

    @Override
    public Optional<RemoteResult> await(Duration wait) {
        try {
            return Optional.of(linesIn(run.future().get(wait.toNanos(), TimeUnit.NANOSECONDS)));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("Interrupted while waiting for command [" + run.command().display() + "] on host ["
                    + host.target().describe() + "]; it keeps running.", e);
        } catch (ExecutionException e) {
            throw ExecRun.rethrown(e.getCause());
        }
    }

    /**
     * {@code result}, once the line consumer has had every line (at most {@link #LINES_WAIT} more):
     * the lines are handed over on a thread of their own, and a caller that has the result reads
     * them next.
     */
    private RemoteResult linesIn(RemoteResult result) throws InterruptedException {
        run.awaitLines(Deadline.after(LINES_WAIT));
        return result;
    }

    @Override
    public CompletableFuture<RemoteResult> future() {
        return run.future().copy();
    }

    @Override
    public void cancel() {
        run.cancel();
    }

    @Override
    public byte[] stdoutSoFar() {
        return run.stdoutSoFar();
    }

    @Override
    public byte[] stderrSoFar() {
        return run.stderrSoFar();
    }

    @Override
    public String toString() {
        return "RemoteProcess[" + run.command().display() + " on " + host.target().describe()
                + (isDone() ? ", done" : ", running") + "]";
    }
}
