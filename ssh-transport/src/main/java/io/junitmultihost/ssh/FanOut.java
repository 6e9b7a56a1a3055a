package io.junitmultihost.ssh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** Runs one call per host in parallel on the pool's bounded executor and collects an outcome per host. */
final class FanOut {

    private FanOut() {
    }

    static <T> Map<SshHost, Outcome<T>> onEach(ExecutorService executor, Collection<? extends SshHost> hosts,
            Duration deadline, boolean cancelOthersOnFailure, Function<? super SshHost, ? extends T> call) {
        Deadline d = Deadline.after(deadline);
        List<SshHost> unique = new ArrayList<>(new LinkedHashSet<>(hosts));
        Map<SshHost, Future<T>> futures = new LinkedHashMap<>();
        CompletableFuture<SshHost> firstFailure = new CompletableFuture<>();
        CancelScope scope = new CancelScope();
        for (SshHost host : unique) {
            futures.put(host, executor.submit(() -> scope.run(() -> {
                try {
                    return call.apply(host);
                } catch (RuntimeException e) {
                    firstFailure.complete(host);
                    throw e;
                }
            })));
        }
        if (cancelOthersOnFailure) {
            firstFailure.thenAccept(failed -> {
                scope.cancel("Cancelled because the call on host [" + failed.target().describe() + "] failed first.",
                        executor);
                futures.forEach((host, future) -> {
                    if (host != failed) {
                        future.cancel(true);
                    }
                });
            });
        }
        Map<SshHost, Outcome<T>> outcomes = new LinkedHashMap<>();
        for (SshHost host : unique) {
            outcomes.put(host, outcome(host, futures.get(host), d, firstFailure));
        }
        return outcomes;
    }

    private static <T> Outcome<T> outcome(SshHost host, Future<T> future, Deadline deadline,
            CompletableFuture<SshHost> firstFailure) {
        try {
            return Outcome.success(future.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return Outcome.failure(cause instanceof RuntimeException runtime ? runtime
                    : new SshException("Call on host [" + host.target().describe() + "] failed: " + cause, cause));
        } catch (CancellationException e) {
            SshHost failed = firstFailure.getNow(null);
            return Outcome.failure(new SshException("Call on host [" + host.target().describe()
                    + "] was cancelled because the call on host ["
                    + (failed == null ? "?" : failed.target().describe()) + "] failed first."));
        } catch (TimeoutException e) {
            future.cancel(true);
            return Outcome.failure(new SshTimeoutException("Call on host [" + host.target().describe()
                    + "] did not finish within the fan-out deadline [" + HumanDuration.of(deadline.budget())
                    + "]; it was interrupted. Raise the deadline."));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return Outcome.failure(new SshException("Interrupted while waiting for host ["
                    + host.target().describe() + "].", e));
        }
    }

    /** exec on every host: channels are opened in parallel, then waiting holds no thread. */
    static Map<SshHost, Outcome<RemoteResult>> execEach(ExecutorService executor,
            Collection<? extends PooledSshHost> hosts, RemoteCommand command, Duration deadline) {
        Deadline d = Deadline.after(deadline);
        List<PooledSshHost> unique = new ArrayList<>(new LinkedHashSet<>(hosts));
        Map<SshHost, Future<ExecRun>> starts = new LinkedHashMap<>();
        for (PooledSshHost host : unique) {
            starts.put(host, executor.submit(() -> host.startRun(command, d, null)));
        }
        Map<SshHost, ExecRun> runs = new LinkedHashMap<>();
        Map<SshHost, Outcome<RemoteResult>> outcomes = new LinkedHashMap<>();
        for (PooledSshHost host : unique) {
            Outcome<ExecRun> started = outcome(host, starts.get(host), d, new CompletableFuture<>());
            if (started.succeeded()) {
                runs.put(host, started.value());
                outcomes.put(host, null);
            } else {
                outcomes.put(host, Outcome.failure(started.failure().orElseThrow()));
            }
        }
        List<Future<?>> waits = new ArrayList<>();
        Map<SshHost, Outcome<RemoteResult>> finished = new java.util.concurrent.ConcurrentHashMap<>();
        runs.forEach((host, run) -> {
            try {
                run.future().get(Math.max(0, d.remainingNanos()), TimeUnit.NANOSECONDS);
                finished.put(host, Outcome.success(run.await(d)));
            } catch (TimeoutException e) {
                // ended below, in parallel, so that 100 hung hosts do not take 100 kill scripts in a row
                waits.add(executor.submit(() -> finished.put(host, Outcome.failure(run.timedOut(d)))));
            } catch (ExecutionException | RuntimeException e) {
                try {
                    finished.put(host, Outcome.success(run.await(d)));
                } catch (RuntimeException failure) {
                    finished.put(host, Outcome.failure(failure));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished.put(host, Outcome.failure(new SshException("Interrupted while waiting for host ["
                        + host.target().describe() + "].", e)));
            }
        });
        for (Future<?> wait : waits) {
            try {
                wait.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // each task records its own outcome
            }
        }
        runs.values().forEach(ExecRun::disconnect);
        finished.forEach(outcomes::put);
        return outcomes;
    }
}
