package io.junitmultihost.qemu;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The qemu provider: virtual machines made on demand (up to {@code multihost.qemu.max-hosts}), in
 * a directory of their own that is removed at the end of the session. The guest image, the
 * accelerator and the client key are made on the first request. Before a machine is handed out it
 * is powered on if a previous test left it off, and must answer SSH.
 */
final class QemuHostProvider implements HostProvider {

    private static final Logger LOG = LoggerFactory.getLogger(QemuHostProvider.class);
    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Pattern PUBLIC_KEY = Pattern.compile("(?m)^(ssh-ed25519 \\S+)");

    private final QemuOptions options;
    private final Kernels kernels;
    private final List<QemuHost> hosts = new ArrayList<>();
    private final Thread cleanup = new Thread(this::close, "multihost-qemu-cleanup");
    private Path session;
    private GuestImage image;
    private Accel accel;
    private Path clientKey;
    private Path javaDisk;
    private GuestLan lan;
    private String defaultKernel;
    private Map<String, String> kernelLabels;
    private boolean closed;

    /** @throws ConfigurationException when this machine lacks the programs the provider runs */
    QemuHostProvider(QemuOptions options) {
        this.options = options;
        QemuEnvironment.problem().ifPresent(problem -> {
            throw new ConfigurationException(problem);
        });
        this.kernels = new Kernels(options.cacheDir());
        StaleSessions.removeIn(Path.of(System.getProperty("java.io.tmpdir")));
        if (options.hosts() > 0) {
            hosts("any", options.hosts(), Set.of(), options.bootTimeout().multipliedBy(2));
        }
    }

    @Override
    public synchronized List<HostSpec> hosts(String role, int wanted, Set<String> busy, Duration deadline) {
        if (wanted <= 0) {
            return List.of();
        }
        long end = System.nanoTime() + deadline.toNanos();
        setUp();
        List<QemuHost> free = hosts.stream().filter(h -> !busy.contains(h.name())).collect(Collectors.toList());
        int missing = Math.min(wanted - free.size(), options.maxHosts() - hosts.size());
        List<QemuHost> made = new ArrayList<>();
        for (int i = 0; i < missing; i++) {
            QemuHost host = create("qemu-" + (hosts.size() + 1));
            hosts.add(host);
            made.add(host);
        }
        free.addAll(made);
        List<QemuHost> chosen = free.stream().filter(h -> !busy.contains(h.name())).limit(wanted).collect(Collectors.toList());
        List<CompletableFuture<Void>> ready = chosen.stream()
                .map(h -> CompletableFuture.runAsync(() -> h.vm().powerOn(left(end)), QemuThreads.IO))
                .collect(Collectors.toList());
        try {
            CompletableFuture.allOf(ready.toArray(new CompletableFuture<?>[0])).get(Math.max(left(end).toMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : new QemuException("QEMU hosts could not be made ready: [" + e.getCause() + "].", e.getCause());
        } catch (TimeoutException e) {
            throw new QemuException("QEMU hosts " + chosen + " did not answer SSH within [" + HumanDuration.of(deadline) + "] ("
                    + accel.name() + "). Raise the deadline, or " + QemuHostProviderFactory.BOOT_TIMEOUT + ", on a loaded machine.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QemuException("Interrupted while starting QEMU hosts " + chosen + ".", e);
        }
        return chosen.stream().map(QemuHost::spec).collect(Collectors.toList());
    }

    /** {@inheritDoc} {@code multihost.qemu.max-hosts}; each serves every role. */
    @Override
    public int maxHosts() {
        return options.maxHosts();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        hosts.parallelStream().forEach(h -> h.vm().close());
        if (lan != null) {
            lan.close();
        }
        if (session != null) {
            Kernels.delete(session);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Closing from the hook itself, or it was never added.
        }
    }

    /** The accelerator chosen, once the first host was asked for. */
    synchronized Accel accel() {
        setUp();
        return accel;
    }

    /** For tests: the session's directory, null before the first host was asked for. */
    synchronized Path session() {
        return session;
    }

    /** For tests: the machines made so far. */
    synchronized List<QemuHost> started() {
        return new ArrayList<>(hosts);
    }

    /** With the lock held: makes what every machine shares, once. */
    private void setUp() {
        if (closed) {
            throw new QemuException("The qemu provider is closed.");
        }
        if (session != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory(StaleSessions.PREFIX);
            Runtime.getRuntime().addShutdownHook(cleanup);
            session = dir;
            StaleSessions.own(dir);
            defaultKernel = options.kernel().orElseGet(kernels::current);
            image = new GuestImage(Files.createDirectories(dir.resolve("image")), kernels);
            image.initrd(defaultKernel);
            accel = Accel.choose(options.accel(), image.vmlinuz(defaultKernel), dir);
            LOG.info("QEMU hosts boot kernel [{}] under {}", defaultKernel, accel.why());
            if (options.shareJava()) {
                long started = System.nanoTime();
                Path home = Path.of(System.getProperty("java.home"));
                javaDisk = JavaDisk.create(home, dir.resolve("java-staging"), dir.resolve("java.img"));
                LOG.info("QEMU hosts run this Java, [{}], from a read-only disk made in [{}] ({})", home,
                        HumanDuration.of(Duration.ofNanos(System.nanoTime() - started)), QemuHostProviderFactory.SHARE_JAVA);
            }
            lan = GuestLan.create(dir);
            clientKey = dir.resolve("client_ed25519");
            Exec.run(STEP, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "junit-multihost-qemu", "-f", clientKey.toString()))
                    .orThrow("Making the client key");
            kernelLabels = kernelLabels(Files.createDirectories(dir.resolve("kernels")));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not set up the qemu provider", e);
        }
    }

    /** Puts the extra kernels (multihost.qemu.kernels) in {@code dir}; the labels that name them. */
    private Map<String, String> kernelLabels(Path dir) throws IOException {
        List<String> extra = new ArrayList<>();
        for (String wanted : options.kernels()) {
            String version = wanted.equals("previous") ? kernels.previous(defaultKernel).orElseThrow(() -> new ConfigurationException(
                    "Configuration parameter [" + QemuHostProviderFactory.KERNELS + "] asks for [previous], but apt-cache lists no "
                            + Kernels.FLAVOUR + " kernel older than [" + defaultKernel + "] that can be fetched.")) : wanted;
            Files.copy(image.vmlinuz(version), dir.resolve("vmlinuz-" + version));
            Files.copy(image.initrd(version), dir.resolve("initrd.img-" + version));
            extra.add(version);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("provider", QemuHostProviderFactory.NAME);
        labels.put("qemu.kernel", defaultKernel);
        labels.put("qemu.kernels", String.join(",", extra));
        labels.put("qemu.kernel-dir", dir.toString());
        labels.put("qemu.accel", accel.name());
        return labels;
    }

    /** With the lock held: makes one machine's directory, keys and boot disk (it is powered on later). */
    private QemuHost create(String name) {
        try {
            Path dir = Files.createDirectories(session.resolve("hosts").resolve(name));
            Path content = Files.createDirectories(dir.resolve("boot-content"));
            Path etc = Files.createDirectories(content.resolve("etc"));
            Path loader = Files.createDirectories(content.resolve("loader"));
            Files.copy(image.vmlinuz(defaultKernel), content.resolve("vmlinuz-" + defaultKernel));
            Files.copy(image.initrd(defaultKernel), content.resolve("initrd.img-" + defaultKernel));
            GuestImage.write(etc.resolve("hostname"), name + "\n", false);
            GuestLan.Plug plug = lan.plug(hosts.size() + 1);
            GuestImage.write(etc.resolve("lan-address"), plug.address() + "/" + GuestLan.PREFIX + "\n", false);
            if (accel.name().equals("tcg")) {
                // No address-space randomisation under emulation: QEMU translates a program's code
                // per address, so one started at new addresses is translated anew (docs/QEMU.md).
                GuestImage.write(etc.resolve("randomize_va_space"), "0\n", false);
            }
            Files.copy(clientKey.resolveSibling(clientKey.getFileName() + ".pub"), etc.resolve("authorized_keys"));
            Path hostKey = etc.resolve("ssh_host_ed25519_key");
            Exec.run(STEP, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", hostKey.toString()))
                    .orThrow("Making the host key of [" + name + "]");
            String out = Files.readString(etc.resolve("ssh_host_ed25519_key.pub"));
            Matcher key = PUBLIC_KEY.matcher(out);
            if (!key.find()) {
                throw new QemuException("ssh-keygen wrote no ssh-ed25519 public key for [" + name + "]: [" + Exec.shorten(out) + "].");
            }
            GuestImage.write(loader.resolve("default-kernel"), defaultKernel + "\n", false);
            GuestImage.write(loader.resolve("default-cmdline"), options.cmdline() + "\n", false);
            BootDisk disk = BootDisk.create(dir.resolve("boot.img"), content);
            Kernels.delete(content);
            QemuVm vm = new QemuVm(name, dir, freePort(), disk, options, accel, javaDisk, plug);
            LOG.info("QEMU host [{}] made in [{}], SSH on 127.0.0.1:{}", name, dir, vm.port());
            Map<String, String> labels = new LinkedHashMap<>(kernelLabels);
            labels.put("qemu.console", dir.resolve("console.log").toString());
            return new QemuHost(vm, clientKey, key.group(1), labels);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make QEMU host [" + name + "] in [" + session + "]", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Duration left(long end) {
        return Duration.ofNanos(Math.max(end - System.nanoTime(), 0));
    }

    @Override
    public String toString() {
        return "QemuHostProvider[" + options + "]";
    }
}
