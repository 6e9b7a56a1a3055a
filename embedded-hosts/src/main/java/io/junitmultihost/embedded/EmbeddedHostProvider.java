package io.junitmultihost.embedded;

import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded hosts of one launcher session: {@code host-1}, {@code host-2}, ... started on
 * demand up to {@code multihost.embedded.max-hosts}, all reached with one client key pair the
 * provider makes, in a temporary directory it deletes at {@link #close()}.
 */
final class EmbeddedHostProvider implements HostProvider {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedHostProvider.class);
    /** How often the power shims' requests are looked for. */
    static final Duration REQUEST_POLL = Duration.ofMillis(50);

    private final EmbeddedSettings settings;
    private final String user = System.getProperty("user.name");
    private final Path root;
    private final Path identityFile;
    private final KeyPair clientKey;
    private final List<EmbeddedHost> hosts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService threads;
    private final Thread shutdownHook;
    private boolean closed;

    EmbeddedHostProvider(EmbeddedSettings settings) {
        this.settings = settings;
        if (PidNamespace.wanted()) {
            // as root without util-linux: refuse now, not at the first command
            Platform.withoutReboot();
            Platform.require("unshare");
            Platform.require("nsenter");
            Platform.require("setsid");
        }
        try {
            this.root = Files.createTempDirectory("junit-multihost-embedded-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary directory for the embedded hosts in ["
                    + System.getProperty("java.io.tmpdir") + "]; check java.io.tmpdir.", e);
        }
        this.clientKey = SshKeys.generate();
        this.identityFile = root.resolve("id_ecdsa");
        SshKeys.writePrivateKey(clientKey, identityFile);
        this.scheduler = Executors.newScheduledThreadPool(4, daemonThreads("embedded-hosts-power"));
        this.threads = Executors.newCachedThreadPool(daemonThreads("embedded-hosts-io"));
        scheduler.scheduleWithFixedDelay(this::pollRequests, REQUEST_POLL.toMillis(), REQUEST_POLL.toMillis(), TimeUnit.MILLISECONDS);
        this.shutdownHook = new Thread(this::close, "embedded-hosts-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        LOG.debug("Embedded hosts live in [{}].", root);
    }

    @Override
    public synchronized List<HostSpec> hosts(String role, int wanted, Set<String> busy, Duration deadline) {
        if (closed) {
            throw new IllegalStateException("The embedded host provider is closed; no hosts for role [" + role + "].");
        }
        long end = System.nanoTime() + deadline.toNanos();
        List<HostSpec> found = new ArrayList<>();
        for (EmbeddedHost host : hosts) {
            if (found.size() >= wanted) {
                break;
            }
            if (!busy.contains(host.name())) {
                try {
                    host.ensureUp(); // a host a previous test left off or mid-reboot boots afresh
                } catch (RuntimeException e) {
                    // Not skipped: a class quietly short of a host it should have had would be skipped, not failed.
                    throw new HostUnavailableException("Embedded host [" + host.name() + "] could not be booted for role ["
                            + role + "]: [" + e.getMessage() + "]. Stop what holds its port or files, and run again.", e);
                }
                found.add(host.spec(identityFile));
            }
        }
        while (found.size() < wanted && hosts.size() < settings.maxHosts()) {
            if (System.nanoTime() > end) {
                LOG.warn("Embedded hosts: only [{}] of [{}] hosts for role [{}] were ready within [{}].", found.size(), wanted, role, HumanDuration.of(deadline));
                break;
            }
            EmbeddedHost host = startHost("host-" + (hosts.size() + 1));
            found.add(host.spec(identityFile));
        }
        return found;
    }

    /** {@inheritDoc} {@code multihost.embedded.max-hosts}; each serves every role. */
    @Override
    public int maxHosts() {
        return settings.maxHosts();
    }

    /** The client's private key file. */
    Path identityFile() {
        return identityFile;
    }

    /** The provider's temporary directory. */
    Path root() {
        return root;
    }

    /** The hosts started so far, in order. */
    List<EmbeddedHost> started() {
        return List.copyOf(hosts);
    }

    private EmbeddedHost startHost(String name) {
        HostFiles files = HostFiles.create(root, name);
        EmbeddedHost host = new EmbeddedHost(name, user, files, clientKey.getPublic(), settings, scheduler, threads);
        host.start();
        hosts.add(host);
        return host;
    }

    private void pollRequests() {
        for (EmbeddedHost host : hosts) {
            try {
                host.pollRequest();
            } catch (RuntimeException e) {
                LOG.warn("Embedded host [{}]: could not act on a power request.", host.name(), e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdownNow();
        for (EmbeddedHost host : hosts) {
            host.close();
        }
        threads.shutdownNow();
        deleteTree(root);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this is the hook
        }
        LOG.debug("Embedded hosts closed; [{}] removed.", root);
    }

    private static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (var paths = Files.walk(dir)) {
                paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // retried below: a killed process may still have been writing
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                // retried
            }
        }
        if (Files.exists(dir)) {
            LOG.warn("Could not delete the embedded hosts' directory [{}]; remove it by hand.", dir);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
