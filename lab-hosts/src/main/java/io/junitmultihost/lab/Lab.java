package io.junitmultihost.lab;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lab of real OpenSSH hosts on this Linux machine (root needed): each host is a network
 * namespace with its own address on a private bridge (no default route, so lab traffic stays on
 * the bridge) and an sshd in its own PID, mount, UTS and IPC namespaces, with its own hostname,
 * {@code /tmp}, {@code /root}, {@code /run}, boot id, kernel command line, and its own writable
 * {@code /etc}, {@code /opt}, {@code /var}, {@code /usr}, {@code /boot}, {@code /srv} and
 * {@code /home} (overlays over the machine's). {@code reboot}, {@code shutdown}, {@code poweroff},
 * {@code halt} and {@code systemctl reboot} on a host reach only that host.
 *
 * <pre>{@code
 * try (Lab lab = Lab.start(LabOptions.builder().hosts(3).build())) {
 *     LabHost db = lab.hosts().get(0);
 *     HostSpec spec = db.spec();          // connect with any SSH client
 *     db.reboot();                        // back up with a new boot id
 *     db.cutLink();                       // connections to it time out
 * }                                       // nothing of the lab remains
 * }</pre>
 *
 * <p>Starting a lab first removes what labs of dead JVMs left behind. {@link #close()} (also run
 * by a shutdown hook) removes the lab's hosts, namespaces, links, bridge and files. Thread-safe.
 */
public final class Lab implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);

    /** The machine's directories each host gets its own writable copy of (those that exist and are not symlinks). */
    static final List<String> OVERLAID = List.of("etc", "opt", "var", "usr", "boot", "srv", "home");

    /** Top-level directories the machine shares with other software: never a state directory themselves. */
    private static final Set<String> SYSTEM_DIRS = Set.of("/run", "/mnt", "/media", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
            "/libx32", "/snap", "/lost+found");

    private static final String INIT = SafetyCheck.INIT_MARKER;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration STEP = Duration.ofSeconds(30);

    private final LabOptions options;
    private final String id;
    private final Path dir;
    private final Subnet subnet;
    private final String bridge;
    private final List<String> overlays;
    private final HostLimits limits;
    private final ScheduledExecutorService executor;
    private final List<LabHost> hosts = new ArrayList<>();
    private final Thread shutdownHook;
    private String clientPublicKey;
    private String shim;
    private String shimTargets;
    private String sshdOptions;
    private boolean closed;

    private Lab(LabOptions options, String id, Subnet subnet, String bridge, HostLimits limits) {
        this.options = options;
        this.id = id;
        this.dir = options.stateDir().resolve(id);
        this.subnet = subnet;
        this.bridge = bridge;
        this.overlays = overlays(options.stateDir());
        this.limits = limits;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(8, LabThreads.daemon("lab-" + id));
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
        this.shutdownHook = new Thread(this::close, "lab-" + id + "-shutdown");
    }

    /**
     * Starts a lab: removes leftovers of labs whose JVM died, creates the bridge, and brings up
     * {@link LabOptions#hosts()} hosts, waiting up to the boot timeout for them.
     *
     * @throws ConfigurationException when this machine cannot run a lab (not Linux, not root, programs missing)
     *     or the options cannot be met (subnet or bridge taken)
     * @throws LabException when hosts do not come up; what was started is removed
     */
    public static Lab start(LabOptions options) {
        LabEnvironment.problem().ifPresent(problem -> {
            throw new ConfigurationException(problem);
        });
        checkStateDir(options.stateDir());
        HostLimits limits = HostLimits.of(options.maxHosts(), HostLimits.machineMemory());
        Lab lab;
        try (StartLock lock = StartLock.take(Leftovers.REGISTRY.resolve(".lock"), options.bootTimeout())) {
            Leftovers.removeAll(options.stateDir());
            String id = newId(options.stateDir());
            Subnet subnet = chooseSubnet(options);
            String bridge = options.bridge().orElse(LabNetwork.defaultBridge(id));
            if (LabNetwork.links().contains(bridge)) {
                throw new ConfigurationException("A network interface named [" + bridge + "] already exists on this machine; choose another with "
                        + LabHostProviderFactory.BRIDGE + ".");
            }
            lab = new Lab(options, id, subnet, bridge, limits);
            Leftovers.register(id, lab.dir, bridge);
            try {
                lab.layOut();
                LabNetwork.createBridge(bridge, subnet.gateway(), subnet.prefix());
            } catch (RuntimeException e) {
                lab.close();
                throw e;
            }
        } catch (IOException e) {
            throw new LabException("Could not lock [" + Leftovers.REGISTRY + "] to start a lab: [" + e.getMessage() + "].", e);
        }
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        LabEnvironment.bridgeFirewallWarning().ifPresent(LOG::warn);
        LOG.info("Lab [{}] started: bridge [{}] at [{}/{}], state in [{}]", lab.id, lab.bridge, lab.subnet.gateway(), lab.subnet.prefix(), lab.dir);
        try {
            lab.addHosts(options.hosts(), options.bootTimeout().plusSeconds(30));
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** The lab's hosts, in the order they were added; never null. */
    public synchronized List<LabHost> hosts() {
        return List.copyOf(hosts);
    }

    /** The host named {@code name}, if the lab has it. */
    public synchronized Optional<LabHost> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /**
     * Adds {@code count} hosts and waits until all are up (sshd answers, the safety check passed).
     *
     * @return the new hosts
     * @throws LabException when the lab would hold more than {@link LabOptions#maxHosts()}, or a
     *     host is not up within {@code deadline} (the hosts stay in the lab; see their state)
     */
    public List<LabHost> addHosts(int count, Duration deadline) {
        if (count <= 0) {
            return List.of();
        }
        long end = System.nanoTime() + deadline.toNanos();
        List<LabHost> added = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                throw new LabException("Lab [" + id + "] is closed; start a new one.");
            }
            int max = Math.min(options.maxHosts(), subnet.capacity());
            if (hosts.size() + count > max) {
                throw new LabException("Lab [" + id + "] holds [" + hosts.size() + "] hosts and cannot add [" + count + "]: at most [" + max
                        + "]. Raise " + LabHostProviderFactory.MAX_HOSTS + " (and the subnet with it).");
            }
            long started = System.nanoTime();
            for (int i = 0; i < count; i++) {
                int index = hosts.size() + 1;
                String name = "lab-" + index;
                LabHost host = new LabHost(this, index, name, subnet.address(index), LabNetwork.namespace(id, name),
                        LabNetwork.veth(id, index), new HostDir(dir.resolve("hosts").resolve(name), name));
                hosts.add(host);
                added.add(host);
            }
            List<CompletableFuture<Void>> layouts = added.stream()
                    .map(h -> CompletableFuture.runAsync(() -> h.create(overlays, clientPublicKey, shim, shimTargets, sshdOptions, limits), executor))
                    .collect(Collectors.toList());
            join(layouts, Duration.ofNanos(Math.max(end - System.nanoTime(), 0)), "lay out");
            LOG.debug("Lab [{}]: {} hosts laid out after [{}] ms", id, count, (System.nanoTime() - started) / 1_000_000);
            LabNetwork.plug(bridge, added.stream()
                    .map(h -> new LabNetwork.Plug(h.namespace(), h.veth(), h.address(), subnet.prefix()))
                    .collect(Collectors.toList()));
            LOG.debug("Lab [{}]: {} hosts plugged after [{}] ms", id, count, (System.nanoTime() - started) / 1_000_000);
            added.forEach(LabHost::startBoot);
            LOG.debug("Lab [{}]: {} hosts laid out, plugged and booting after [{}] ms", id, count, (System.nanoTime() - started) / 1_000_000);
        }
        List<CompletableFuture<Void>> boots = added.stream()
                .map(h -> CompletableFuture.runAsync(() -> h.awaitUp(Duration.ofNanos(Math.max(end - System.nanoTime(), 0))), LabThreads.IO))
                .collect(Collectors.toList());
        join(boots, Duration.ofNanos(Math.max(end - System.nanoTime(), 0)).plusSeconds(1), "come up");
        return added;
    }

    /** The lab's id: four letters or digits, part of every name it gives namespaces and links. */
    public String id() {
        return id;
    }

    /** The bridge's name. */
    public String bridge() {
        return bridge;
    }

    /** This machine's address on the bridge, from which tests reach the hosts. */
    public String gateway() {
        return subnet.gateway();
    }

    /** The hosts' subnet, in CIDR form. */
    public String subnet() {
        return subnet.toString();
    }

    /** The private key every host accepts for root (OpenSSH format, readable by root only). */
    public Path clientKey() {
        return dir.resolve("client_key");
    }

    /** The lab's directory on this machine: its keys, scripts and each host's files. */
    public Path directory() {
        return dir;
    }

    /** The options the lab was started with. */
    public LabOptions options() {
        return options;
    }

    /**
     * Stops every host (each process on it dies), then removes the namespaces, links, bridge and
     * the lab's files. Never throws; idempotent.
     */
    @Override
    public void close() {
        List<LabHost> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(hosts);
        }
        long started = System.nanoTime();
        List<CompletableFuture<Void>> stops = all.stream()
                .map(h -> CompletableFuture.runAsync(h::close, LabThreads.IO))
                .collect(Collectors.toList());
        try {
            join(stops, Duration.ofSeconds(30), "stop");
        } catch (RuntimeException e) {
            LOG.warn("Lab [{}]: {}", id, e.getMessage());
        }
        executor.shutdownNow();
        LOG.debug("Lab [{}]: {} hosts stopped after [{}] ms", id, all.size(), (System.nanoTime() - started) / 1_000_000);
        try {
            Leftovers.removeLab(dir, id, bridge);
            Leftovers.unregister(id);
        } catch (RuntimeException e) {
            LOG.warn("Lab [{}] could not remove everything it created; the next lab start removes the rest: {}", id, e.getMessage());
        }
        try {
            if (Thread.currentThread() != shutdownHook) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        } catch (IllegalStateException e) {
            // the JVM is shutting down already
        }
        LOG.info("Lab [{}] closed: {} hosts removed in [{}] ms", id, all.size(), (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public String toString() {
        return "Lab[" + id + " " + subnet + " on " + bridge + ", " + hosts().size() + " hosts]";
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    Path initScript() {
        return dir.resolve(INIT);
    }

    /** Writes the lab's own files: the client key, the init script and the shim. */
    private void layOut() {
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            boolean mounted = ramBacked(dir.getParent());
            if (mounted) {
                // The hosts' disks would otherwise fill the machine's /run (or whatever tmpfs holds the state directory).
                Exec.run(STEP, List.of("mount", "-t", "tmpfs", "-o", "mode=0700,size=" + limits.diskMib() + "m", "junit-multihost-lab-" + id,
                        dir.toString())).orThrow("Mounting the lab's own tmpfs on [" + dir + "]");
            }
            try {
                Leftovers.mark(dir, id);
            } catch (IOException e) {
                if (mounted) {
                    Exec.run(STEP, List.of("umount", "--lazy", dir.toString())); // unmarked, so cleanup would leave it
                }
                throw e;
            }
            Files.createDirectories(dir.resolve("hosts"));
            Files.writeString(initScript(), resource(INIT), StandardCharsets.UTF_8);
            shim = resource("shim");
            shimTargets = shimTargets(overlays);
            // Without re-executing itself for each connection (which loads the host key and starts OpenSSL
            // again: about 6 ms of CPU per connection), where this machine's sshd still has the option.
            sshdOptions = Exec.run(STEP, List.of("/usr/sbin/sshd", "-r", "-V")).ok() ? "-r" : "";
        } catch (IOException e) {
            throw new UncheckedIOException("Could not lay out lab [" + id + "] in [" + dir + "].", e);
        }
        Exec.run(STEP, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "junit-multihost-lab-" + id,
                "-f", clientKey().toString())).orThrow("Making the lab's client key");
        try {
            clientPublicKey = Files.readString(Path.of(clientKey() + ".pub"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the lab's client key.", e);
        }
    }

    /**
     * What the init binds the shim over in each host: the real file each power command resolves to
     * on this machine ({@code bind <path>}, once per file), and for a command the machine lacks a
     * copy on the host's own {@code /usr/sbin} ({@code copy <path>}).
     */
    static String shimTargets(List<String> overlays) throws IOException {
        Set<String> lines = new LinkedHashSet<>();
        for (String command : List.of("systemctl", "reboot", "shutdown", "poweroff", "halt", "telinit")) {
            Optional<Path> found = Stream.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
                    .map(d -> Path.of(d, command)).filter(Files::exists).findFirst();
            if (found.isPresent()) {
                lines.add("bind " + found.get().toRealPath());
            } else if (!command.equals("telinit") && overlays.contains("usr")) {
                lines.add("copy /usr/sbin/" + command);
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Lab.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource [" + name + "] is missing from the lab's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Whether {@code dir} is on a filesystem held in memory (the default state directory under /run usually is). */
    static boolean ramBacked(Path dir) {
        try {
            String type = Files.getFileStore(dir).type();
            return type.equals("tmpfs") || type.equals("ramfs");
        } catch (IOException e) {
            return false;
        }
    }

    /** The directories to overlay: those of {@link #OVERLAID} that are real directories and do not hold the state directory. */
    private static List<String> overlays(Path stateDir) {
        List<String> found = new ArrayList<>();
        for (String name : OVERLAID) {
            Path path = Path.of("/", name);
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && !stateDir.startsWith(path)) {
                found.add(name);
            }
        }
        return Collections.unmodifiableList(found);
    }

    /**
     * Refuses a state directory that cannot be the labs' own: inside one that every host mounts
     * its own over, the machine's root or one of its top-level system directories, the registry,
     * or an existing path that is not a directory, not owned by this user or writable by others
     * (labs keep root-only keys there, and other users must not plant files in it).
     */
    static void checkStateDir(Path stateDir) {
        String key = LabHostProviderFactory.STATE_DIR;
        for (String name : List.of("etc", "opt", "var", "usr", "boot", "srv", "home", "root", "tmp", "proc", "sys", "dev")) {
            if (stateDir.startsWith(Path.of("/", name))) {
                throw new ConfigurationException("Configuration parameter [" + key + "] is [" + stateDir
                        + "], inside [/" + name + "] which every host mounts its own over; choose a directory elsewhere, such as "
                        + LabOptions.DEFAULT_STATE_DIR + ".");
            }
        }
        if (stateDir.getNameCount() == 0 || SYSTEM_DIRS.contains(stateDir.toString())) {
            throw new ConfigurationException("Configuration parameter [" + key + "] is [" + stateDir + "], a directory of the machine's"
                    + " own; choose a directory for the labs alone, such as " + LabOptions.DEFAULT_STATE_DIR + ".");
        }
        if (stateDir.startsWith(Leftovers.REGISTRY)) {
            throw new ConfigurationException("Configuration parameter [" + key + "] is [" + stateDir + "], inside the labs' registry ["
                    + Leftovers.REGISTRY + "]; choose another directory, such as " + LabOptions.DEFAULT_STATE_DIR + ".");
        }
        if (!Files.exists(stateDir, LinkOption.NOFOLLOW_LINKS) && !Files.exists(stateDir)) {
            return;
        }
        try {
            if (!Files.isDirectory(stateDir)) {
                throw new ConfigurationException("Configuration parameter [" + key + "] is [" + stateDir + "], which is not a directory;"
                        + " choose a directory for the labs alone, such as " + LabOptions.DEFAULT_STATE_DIR + ".");
            }
            int owner = (Integer) Files.getAttribute(stateDir, "unix:uid");
            int mode = (Integer) Files.getAttribute(stateDir, "unix:mode");
            if (owner != Leftovers.uid() || (mode & 0022) != 0) {
                throw new ConfigurationException("Configuration parameter [" + key + "] is [" + stateDir + "], owned by user [" + owner
                        + "] with mode [" + Integer.toOctalString(mode & 07777) + "]: labs keep root-only keys there, so it must be owned by"
                        + " the user running the tests and writable by no one else; fix it (chmod go-w) or choose another directory.");
            }
        } catch (IOException e) {
            throw new ConfigurationException("Configuration parameter [" + key + "] is [" + stateDir + "], which cannot be read: ["
                    + e.getMessage() + "].");
        }
    }

    private static String newId(Path stateDir) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        while (true) {
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            }
            if (!Files.exists(stateDir.resolve(id.toString())) && !Files.exists(Leftovers.REGISTRY.resolve(id.toString()))) {
                return id.toString();
            }
        }
    }

    /** The configured subnet if no route on this machine overlaps it; else, by default, the first free /24 from the default up. */
    private static Subnet chooseSubnet(LabOptions options) {
        List<Subnet> taken = LabNetwork.routes().stream()
                .map(line -> line.split("\\s+")[0])
                .filter(dest -> dest.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+"))
                .map(dest -> {
                    try {
                        return Subnet.parse("route", dest);
                    } catch (RuntimeException e) {
                        return null;
                    }
                })
                .filter(s -> s != null)
                .collect(Collectors.toList());
        if (options.subnet().isPresent()) {
            Subnet wanted = Subnet.parse(LabHostProviderFactory.SUBNET, options.subnet().get());
            taken.stream().filter(wanted::overlaps).findFirst().ifPresent(route -> {
                throw new ConfigurationException("Subnet [" + wanted + "] overlaps route [" + route + "] on this machine (another lab, or a"
                        + " network in use); choose another with " + LabHostProviderFactory.SUBNET + ".");
            });
            return wanted;
        }
        Subnet base = Subnet.parse(LabHostProviderFactory.SUBNET, LabOptions.DEFAULT_SUBNET);
        for (int step = 0; step < 100; step++) {
            Subnet candidate = base.next(step);
            if (taken.stream().noneMatch(candidate::overlaps)) {
                return candidate;
            }
        }
        throw new ConfigurationException("No free /24 from [" + base + "] up on this machine; set " + LabHostProviderFactory.SUBNET + ".");
    }

    private void join(List<CompletableFuture<Void>> futures, Duration deadline, String what) {
        try {
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(Math.max(deadline.toMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new LabException("Lab [" + id + "]: hosts did not " + what + ": [" + cause + "].", cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new LabException("Lab [" + id + "]: hosts did not " + what + " within [" + HumanDuration.of(deadline) + "]. States: " + hosts() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("Interrupted while lab [" + id + "] waited for hosts to " + what + ".", e);
        }
    }
}
