package io.junitmultihost.ssh;

import com.jcraft.jsch.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pooled SSH connections: one session per target, opened on first use and reused, with a channel
 * per command. Thread-safe. Close it to close every session.
 *
 * <pre>{@code
 * try (SshPool pool = SshPool.create()) {
 *     SshHost db1 = pool.host(SshTarget.builder("db1", "10.0.0.5").build());
 *     RemoteResult result = db1.exec(RemoteCommand.argv("uname", "-r"), Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class SshPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.pool");

    private final PoolSettings settings;
    private final ConcurrentMap<SshTarget, PooledSshHost> hosts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private final ExecutorService fanOut;
    private final Connector connector;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SshPool(PoolSettings settings) {
        this.settings = settings;
        this.workers = Executors.newCachedThreadPool(daemon("ssh-pool-worker-"));
        this.timer = Executors.unconfigurableScheduledExecutorService(new HandOffTimer(workers));
        ThreadPoolExecutor bounded = new ThreadPoolExecutor(settings.fanOutThreads(), settings.fanOutThreads(), 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("ssh-fan-out-"));
        bounded.allowCoreThreadTimeOut(true);
        this.fanOut = bounded;
        this.connector = new Connector(settings, timer, (jumpTarget, deadline) -> hostImpl(jumpTarget).session(deadline));
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A pool with default settings. */
    public static SshPool create() {
        return builder().build();
    }

    /** A builder for a pool with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The host for this target; cheap, connects lazily on first call. Same target, same host object. */
    public SshHost host(SshTarget target) {
        return hostImpl(target);
    }

    /**
     * Runs {@code call} on every host in parallel (at most the pool's fan-out threads at once) and
     * returns each host's outcome, in the order given. One host's failure does not stop the others.
     * Calls still running at the deadline are interrupted and reported as timed out.
     */
    public <T> Map<SshHost, Outcome<T>> onEach(Collection<? extends SshHost> hosts, Duration deadline,
            Function<? super SshHost, ? extends T> call) {
        return onEach(hosts, deadline, false, call);
    }

    /**
     * As {@link #onEach(Collection, Duration, Function)}; with {@code cancelOthersOnFailure} the
     * first failure interrupts the calls still running (a running command's process group is ended).
     */
    public <T> Map<SshHost, Outcome<T>> onEach(Collection<? extends SshHost> hosts, Duration deadline,
            boolean cancelOthersOnFailure, Function<? super SshHost, ? extends T> call) {
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(call, "call");
        checkOpen();
        return FanOut.onEach(fanOut, hosts, deadline, cancelOthersOnFailure, call);
    }

    /**
     * Runs one command on every host at once and returns each host's result or failure, in the order
     * given. Channels are opened in parallel on the fan-out threads; waiting for the commands holds
     * no thread, so hundreds of hosts cost hundreds of channels, not threads.
     */
    public Map<SshHost, Outcome<RemoteResult>> execEach(Collection<? extends SshHost> hosts, RemoteCommand command,
            Duration deadline) {
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(command, "command");
        checkOpen();
        List<PooledSshHost> ours = new ArrayList<>();
        for (SshHost host : hosts) {
            if (!(host instanceof PooledSshHost pooled)) {
                throw new IllegalArgumentException("Host [" + host + "] does not come from an SshPool.");
            }
            ours.add(pooled);
        }
        return FanOut.execEach(fanOut, ours, command, deadline);
    }

    PooledSshHost hostImpl(SshTarget target) {
        Objects.requireNonNull(target, "target");
        checkOpen();
        return hosts.computeIfAbsent(target, t -> new PooledSshHost(t, this));
    }

    PoolSettings settings() {
        return settings;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    ExecutorService workers() {
        return workers;
    }

    Connector connector() {
        return connector;
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("This SshPool is closed; create a new one.");
        }
    }

    /** Closes every session; never throws. Later calls on its hosts fail. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (PooledSshHost host : hosts.values()) {
            try {
                host.disconnect();
            } catch (RuntimeException e) {
                LOG.debug("Ignoring failure while disconnecting [{}]: {}", host, e.toString());
            }
        }
        hosts.clear();
        timer.shutdownNow();
        workers.shutdownNow();
        fanOut.shutdownNow();
    }

    @Override
    public String toString() {
        return "SshPool[" + hosts.size() + " hosts" + (closed.get() ? ", closed" : "") + "]";
    }

    /** Settings of a pool. Not thread-safe. */
    public static final class Builder {

        private Duration keepAliveInterval = Duration.ofSeconds(5);
        private int keepAliveCountMax = 3;
        private long maxCapturedBytes = 64L * 1024 * 1024;
        private Duration channelOpenTimeout = Duration.ofSeconds(10);
        private Duration killGrace = Duration.ofSeconds(2);
        private int attempts = 3;
        private Path openSshConfig;
        private boolean useAgent = true;
        private Path agentSocket;
        private int fanOutThreads = 128;

        private Builder() {
        }

        /**
         * Keepalive: an idle session is probed every {@code interval} and declared dead after
         * {@code countMax} unanswered probes, so a dead host or cut link is noticed within about
         * {@code interval * (countMax + 1)}. Default 5 s and 3.
         */
        public Builder keepAlive(Duration interval, int countMax) {
            this.keepAliveInterval = positive(interval, "keepAlive interval");
            if (countMax < 1) {
                throw new IllegalArgumentException("keepAlive countMax must be at least 1; got [" + countMax + "].");
            }
            this.keepAliveCountMax = countMax;
            return this;
        }

        /** Bytes of stdout and of stderr kept per command; the rest is dropped with a WARN. Default 64 MiB. */
        public Builder maxCapturedBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxCapturedBytes must not be negative; got [" + bytes + "].");
            }
            this.maxCapturedBytes = bytes;
            return this;
        }

        /** How long opening a channel on an open session may take before it counts as failed. Default 10 s. */
        public Builder channelOpenTimeout(Duration timeout) {
            this.channelOpenTimeout = positive(timeout, "channelOpenTimeout");
            return this;
        }

        /** Time between TERM and KILL for a command past its deadline. Default 2 s. */
        public Builder killGrace(Duration grace) {
            this.killGrace = positive(grace, "killGrace");
            return this;
        }

        /** Attempts for steps that certainly did not run a command (handshake dropped, channel not opened). Default 3. */
        public Builder attempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1; got [" + attempts + "].");
            }
            this.attempts = attempts;
            return this;
        }

        /** An OpenSSH client config file (like ~/.ssh/config) for HostName, IdentityFile, ProxyJump; null = none. */
        public Builder openSshConfig(Path file) {
            this.openSshConfig = file;
            return this;
        }

        /** Whether keys of the ssh-agent are offered too (after the target's key files). Default true. */
        public Builder useAgent(boolean useAgent) {
            this.useAgent = useAgent;
            return this;
        }

        /** The ssh-agent socket to ask for keys; null (default) = the SSH_AUTH_SOCK environment variable. */
        public Builder agentSocket(Path socket) {
            this.agentSocket = socket;
            return this;
        }

        /** The bound on threads for fan-out calls over many hosts. Default 128. */
        public Builder fanOutThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("fanOutThreads must be at least 1; got [" + threads + "].");
            }
            this.fanOutThreads = threads;
            return this;
        }

        /** The pool; never null. */
        public SshPool build() {
            return new SshPool(new PoolSettings(keepAliveInterval, keepAliveCountMax, maxCapturedBytes,
                    channelOpenTimeout, killGrace, attempts, openSshConfig, useAgent, agentSocket, fanOutThreads));
        }

        private static Duration positive(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive; got [" + duration + "].");
            }
            return duration;
        }
    }
}
