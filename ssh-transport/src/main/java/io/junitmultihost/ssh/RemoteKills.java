package io.junitmultihost.ssh;

import com.jcraft.jsch.Session;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ending the remote process groups of one host's commands, off the caller's thread: a kill that
 * cannot reach the host (link cut, session lost) is queued and run on the next connection to the
 * host, so the process does not outlive the link's return. Callers wait for a kill only briefly.
 */
final class RemoteKills {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.exec");
    /** Kills kept for a host that never comes back; more are dropped with a WARN. */
    private static final int MAX_QUEUED = 1000;
    /** Slack on the age check of a queued kill: ages on the host are whole seconds. */
    private static final long AGE_SLACK_SECONDS = 2;

    private final SshTarget target;
    private final PoolSettings settings;
    private final Executor workers;
    private final java.util.function.Supplier<Session> current;
    private final Queue<Queued> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    /** A kill that could not reach the host; {@code startedNanos}: when its command was started. */
    private record Queued(long group, long startedNanos, String command, boolean lost) {
    }

    /** {@code current}: the host's pooled session now, or null. */
    RemoteKills(SshTarget target, PoolSettings settings, Executor workers, java.util.function.Supplier<Session> current) {
        this.target = target;
        this.current = current;
        this.settings = settings;
        this.workers = workers;
    }

    /**
     * Starts ending process group {@code group} (TERM, then KILL after the kill grace) on
     * {@code session}; when it cannot run, it waits for the host's next connection.
     */
    Kill end(Session session, long group, long startedNanos, String command) {
        return end(session, group, startedNanos, command, false);
    }

    /**
     * As {@link #end(Session, long, long, String)}; {@code lost}: the command's session is gone
     * (a reboot, sshd killed), so that the kill must wait for the next connection is no news and
     * is logged at DEBUG.
     */
    Kill end(Session session, long group, long startedNanos, String command, boolean lost) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        done.whenComplete((status, failure) -> opened.complete(null));
        Runnable kill = () -> {
            try {
                done.complete(RawExec.run(session, RemoteScript.killTree(group, graceTenths()), killDeadline(),
                        settings.channelOpenTimeout(), () -> opened.complete(null)));
            } catch (RuntimeException e) {
                queue(new Queued(group, startedNanos, command, lost), e.getMessage());
                Session now = current.get();
                if (now != null && now != session && now.isConnected()) {
                    connected(now); // the host was reconnected while this kill was failing
                }
                done.completeExceptionally(e);
            }
        };
        try {
            workers.execute(kill);
        } catch (RejectedExecutionException poolClosed) {
            done.completeExceptionally(new SshException("The pool is closed.", poolClosed));
        }
        return new Kill(opened, done);
    }

    /**
     * A kill under way: {@code opened} completes once its channel is open (the host answers) or it
     * ended; {@code done} with the kill script's exit status, or fails when it could not run.
     */
    record Kill(CompletableFuture<Void> opened, CompletableFuture<Integer> done) {
    }

    /** On a new connection to the host: runs the queued kills, each only on a process group as old as its command. */
    void connected(Session fresh) {
        Queued next;
        while ((next = queued.poll()) != null) {
            size.decrementAndGet();
            Queued kill = next;
            long minAge = Math.max(0, Duration.ofNanos(System.nanoTime() - kill.startedNanos()).toSeconds()
                    - AGE_SLACK_SECONDS);
            try {
                workers.execute(() -> {
                    try {
                        int status = RawExec.run(fresh, RemoteScript.killTreeIfOlder(kill.group(), minAge,
                                graceTenths()), killDeadline(), settings.channelOpenTimeout());
                        LOG.atLevel(kill.lost() ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO).log(
                                "Ended remote process group [{}] on host [{}] once the host could be reached again"
                                + " (kill script exit [{}]).", kill.group(), target.describe(), status);
                    } catch (RuntimeException e) {
                        LOG.warn("Could not end remote process group [{}] on host [{}] after reconnecting either, so"
                                + " it may still run there: {}", kill.group(), target.describe(), e.getMessage());
                    }
                });
            } catch (RejectedExecutionException poolClosed) {
                return;
            }
        }
    }

    private void queue(Queued kill, String why) {
        if (size.incrementAndGet() > MAX_QUEUED) {
            size.decrementAndGet();
            LOG.warn("Could not end remote process group [{}] on host [{}], and [{}] kills already wait for the"
                    + " host: this one is dropped, so the process may still run there ({}).", kill.group(),
                    target.describe(), MAX_QUEUED, why);
            return;
        }
        queued.add(kill);
        LOG.atLevel(kill.lost() ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.WARN).log("Could not end remote"
                + " process group [{}] on host [{}] now ({}); it will be ended on the next connection to the host.",
                kill.group(), target.describe(), why);
        LOG.debug("Process group [{}] on host [{}] runs command [{}].", kill.group(), target.describe(), kill.command());
    }

    private int graceTenths() {
        return (int) Math.max(1, settings.killGrace().toMillis() / 100);
    }

    private Deadline killDeadline() {
        return Deadline.after(settings.killGrace().plus(settings.channelOpenTimeout()));
    }
}
