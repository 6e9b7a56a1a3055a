package io.junitmultihost.embedded;

import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated host: an SSH server per boot on a port that stays the same, a host key that
 * stays the same, and a power state. Going down (reboot or power off) closes the listener and
 * every session and kills every process of the boot; coming up writes a new boot id.
 */
final class EmbeddedHost implements HostControl {

    /** Where a host is in its life. */
    enum State { UP, REBOOTING, OFF, CLOSED }

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedHost.class);
    /** A power shim's request is acted on after this, so that its own exit status reaches the client first. */
    static final Duration REQUEST_GRACE = Duration.ofMillis(100);
    private static final Duration BIND_DEADLINE = Duration.ofSeconds(5);

    private final String name;
    private final String user;
    private final HostFiles files;
    private final KeyPair hostKey;
    private final PublicKey clientKey;
    private final EmbeddedSettings settings;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService threads;

    private State state = State.OFF;
    private long generation;
    private int port;
    private SshServer server;
    private Boot boot;

    EmbeddedHost(String name, String user, HostFiles files, PublicKey clientKey, EmbeddedSettings settings,
            ScheduledExecutorService scheduler, ExecutorService threads) {
        this.name = name;
        this.user = user;
        this.files = files;
        this.hostKey = SshKeys.generate();
        this.clientKey = clientKey;
        this.settings = settings;
        this.scheduler = scheduler;
        this.threads = threads;
    }

    String name() {
        return name;
    }

    HostFiles files() {
        return files;
    }

    synchronized int port() {
        return port;
    }

    synchronized State state() {
        return state;
    }

    /** The boot id of the current boot; empty while the host is down. */
    synchronized Optional<String> bootId() {
        return state == State.UP ? Optional.of(boot.bootId()) : Optional.empty();
    }

    /** How to reach this host; call once it has booted. */
    synchronized HostSpec spec(Path identityFile) {
        return HostSpec.builder(name, HostSshServers.ADDRESS)
                .port(port)
                .user(user)
                .identityFile(identityFile)
                .knownHosts(List.of(SshKeys.knownHostsLine(HostSshServers.ADDRESS, port, hostKey.getPublic())))
                .labels(Map.of("provider", EmbeddedHostProviderFactory.NAME, "home", files.home().toString()))
                .control(this)
                .build();
    }

    /**
     * Refused: an embedded host's commands run in this machine's own network namespace, so a rule
     * imposed "on the host" would cut this machine.
     */
    @Override
    public Optional<String> networkFaultRefusal() {
        return Optional.of("an embedded host's commands run in this machine's own network, so its rules would cut this"
                + " machine; use the lab provider (multihost.provider=lab) for network faults");
    }

    /** The first boot, on an ephemeral port that later boots keep. */
    synchronized void start() {
        bootUp();
    }

    /** Boots the host now if it is off or between a reboot's down and up; a host that is up is left alone. */
    synchronized void ensureUp() {
        if (state == State.OFF || state == State.REBOOTING) {
            generation++;
            bootUp();
        }
    }

    /** Acts on a request a power shim left, after {@link #REQUEST_GRACE}; called by the provider's watcher. */
    void pollRequest() {
        Optional<String> request = files.takeRequest();
        if (request.isEmpty()) {
            return;
        }
        long seen;
        synchronized (this) {
            if (state != State.UP) {
                return;
            }
            seen = generation;
        }
        String action = request.get();
        try {
            scheduler.schedule(() -> onRequest(action, seen), REQUEST_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the provider is closing
        }
    }

    private synchronized void onRequest(String action, long seen) {
        if (generation != seen || state != State.UP) {
            return;
        }
        if (action.equals("poweroff")) {
            LOG.debug("Embedded host [{}] powers off, as asked by a command on it.", name);
            powerOff();
        } else {
            reboot();
        }
    }

    /** Takes the host down now and brings it back with a new boot id after the configured down time. */
    synchronized void reboot() {
        if (state != State.UP) {
            return;
        }
        long rebootGeneration = ++generation;
        goDown();
        state = State.REBOOTING;
        Duration downTime = settings.rebootDownTime();
        LOG.debug("Embedded host [{}] went down for a reboot; it comes back in [{}].", name, HumanDuration.of(downTime));
        try {
            scheduler.schedule(() -> comeBack(rebootGeneration), downTime.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the provider is closing
        }
    }

    private synchronized void comeBack(long rebootGeneration) {
        if (generation != rebootGeneration || state != State.REBOOTING) {
            return; // powered on, off or closed in between
        }
        try {
            bootUp();
        } catch (RuntimeException e) {
            LOG.error("Embedded host [{}] could not come back after its reboot; it stays off.", name, e);
        }
    }

    @Override
    public synchronized void powerOff() {
        if (state == State.CLOSED || state == State.OFF) {
            return;
        }
        generation++;
        if (state == State.UP) {
            goDown();
        }
        state = State.OFF;
        LOG.debug("Embedded host [{}] is powered off.", name);
    }

    @Override
    public synchronized void powerOn() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("Embedded host [" + name + "] is closed with its provider and cannot be powered on.");
        }
        ensureUp();
    }

    /** Stops the host for good: its server, its processes. Never throws. */
    synchronized void close() {
        generation++;
        if (state == State.UP) {
            try {
                goDown();
            } catch (RuntimeException e) {
                LOG.warn("Embedded host [{}] did not stop cleanly.", name, e);
            }
        }
        state = State.CLOSED;
    }

    /**
     * Kills the boot's processes first (new commands are refused from then on), then drops every
     * session and closes the listener: whoever sees the connection drop can rely on the old boot's
     * processes being gone.
     */
    private void goDown() {
        boot.processes().killAll();
        SshServer stopping = server;
        server = null;
        try {
            stopping.stop(true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Embedded host [{}] did not close its SSH server cleanly.", name, e);
        }
    }

    private void bootUp() {
        files.takeRequest(); // a request from the previous boot is void
        String bootId = UUID.randomUUID().toString();
        String cmdline = files.requestedCmdline().orElseGet(() -> settings.cmdlineFor(name));
        files.writeBoot(bootId, cmdline);
        Boot next = new Boot(name, user, files, bootId, HostProcesses.forBoot(name));
        SshServer started = listen(next);
        port = started.getPort();
        server = started;
        boot = next;
        state = State.UP;
        LOG.debug("Embedded host [{}] is up at [{}:{}] with boot id [{}].", name, HostSshServers.ADDRESS, port, bootId);
    }

    /** Starts the server; the port of an earlier boot may still be held briefly by the kernel, so retry a bind failure. */
    private SshServer listen(Boot next) {
        long end = System.nanoTime() + BIND_DEADLINE.toNanos();
        while (true) {
            SshServer candidate = HostSshServers.create(next, hostKey, clientKey, port, threads);
            try {
                candidate.start();
                return candidate;
            } catch (IOException e) {
                stopQuietly(candidate);
                if (!(e instanceof BindException) || port == 0 || System.nanoTime() > end) {
                    state = State.OFF;
                    throw new HostUnavailableException("Embedded host [" + name + "] could not listen on ["
                            + HostSshServers.ADDRESS + ":" + port + "] within [" + BIND_DEADLINE
                            + "]: " + e.getMessage() + ". Is another program using that port?", e);
                }
                LOG.warn("Embedded host [{}] could not listen on port [{}] yet; retrying.", name, port);
                sleep(100);
            }
        }
    }

    private static void stopQuietly(SshServer server) {
        try {
            server.stop(true);
        } catch (IOException | RuntimeException e) {
            // it never listened
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedHost[" + name + "]";
    }
}
