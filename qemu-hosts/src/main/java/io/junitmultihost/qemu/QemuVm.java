package io.junitmultihost.qemu;

import io.junitmultihost.spi.HumanDuration;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guest's power and life: a QEMU process per boot, started with the kernel and command line
 * its boot disk's entry names ({@link BootDisk#nextBoot}). QEMU runs with {@code -no-reboot}, so a
 * guest reboot, a panic (the guest's {@code panic=1} reboots it) or a hard reset ends the process;
 * its QMP {@code SHUTDOWN} event says which, and the machine is started again, reading the entry
 * anew. A guest that powers off, or a power cut, leaves it off. Thread-safe: one lock, which
 * waiting callers give up while they wait.
 */
final class QemuVm {

    private static final Logger LOG = LoggerFactory.getLogger(QemuVm.class);

    static final String QEMU = "qemu-system-x86_64";
    /** util-linux's setpriv, which gives QEMU its parent-death signal. */
    static final String SETPRIV = "setpriv";

    /** What the guest's sshd script prints on the console once sshd listens (guest-sshd). */
    static final String SSHD_LISTENS = "junit-multihost: sshd listens";

    /** SHUTDOWN reasons after which a real machine boots again. */
    private static final Set<String> RESETS = Set.of("guest-reset", "host-qmp-system-reset", "guest-panic", "subsystem-reset");

    /** How long stopping QEMU may take. */
    static final Duration STOP = Duration.ofSeconds(10);

    enum State { OFF, BOOTING, UP, FAILED, CLOSED }

    /** Why the provider itself ends a QEMU process, so that its exit is read right. */
    private enum Stop { NONE, POWER_OFF, RESET, CLOSE }

    private final String name;
    private final Path dir;
    private final int port;
    private final BootDisk disk;
    private final QemuOptions options;
    private final Accel accel;
    /** The controller's Java on a read-only disk, or null (multihost.qemu.share-java=false). */
    private final Path javaDisk;
    private final GuestLan.Plug lan;

    private State state = State.OFF;
    private long generation;
    private Process process;
    private Qmp qmp;
    private Stop stopping = Stop.NONE;
    private String failure;
    private BootDisk.Entry entry;
    private long bootStartedNanos;
    /** The netdevs whose link is down ({@link #USER_NET}, {@link #LAN}): set again at every boot, as a pulled cable stays pulled. */
    private Set<String> linksDown = Set.of();

    /** The netdev of the user-mode network: the test JVM's SSH forward and the way out. */
    static final String USER_NET = "net0";
    /** The netdev of the machines' own network ({@link GuestLan}). */
    static final String LAN = "lan";

    QemuVm(String name, Path dir, int port, BootDisk disk, QemuOptions options, Accel accel, Path javaDisk, GuestLan.Plug lan) {
        this.javaDisk = javaDisk;
        this.lan = lan;
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.disk = disk;
        this.options = options;
        this.accel = accel;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    /** The guest's address on the machines' own network, which other guests reach it at. */
    String lanAddress() {
        return lan.address();
    }

    synchronized State state() {
        return state;
    }

    /** The entry the current (or last) boot started with. */
    synchronized BootDisk.Entry entry() {
        return entry;
    }

    /** How many boots this machine has started. */
    synchronized long boots() {
        return generation;
    }

    // ---- power actions ----------------------------------------------------------------------

    /** Powers on (a no-op when on) and waits until the guest's sshd answers. */
    void powerOn(Duration deadline) {
        synchronized (this) {
            requireOpen();
            if (state == State.OFF || state == State.FAILED) {
                startBoot();
                changed("powered on");
            }
        }
        awaitUp(deadline);
    }

    /** Cuts power: the QEMU process is killed, and the machine stays off. */
    synchronized void powerOff(Duration deadline) {
        requireOpen();
        if (process == null) {
            state = State.OFF;
            notifyAll();
            return;
        }
        LOG.info("QEMU host [{}]: powering off (its QEMU is killed)", name);
        kill(Stop.POWER_OFF, deadline);
        changed("powered off");
    }

    /**
     * Presses reset: QMP {@code system_reset}, the guest's kernel gets no say; the machine boots
     * again at once. Returns when the new boot has started (not when it is up).
     */
    synchronized void reset(Duration deadline) {
        requireOpen();
        if (process == null) {
            throw new QemuException("QEMU host [" + name + "] cannot be reset: it is [" + state + "]. Power it on first.");
        }
        long before = generation;
        LOG.info("QEMU host [{}]: hard reset", name);
        boolean sent = false;
        if (qmp != null) {
            try {
                qmp.send("{\"execute\":\"system_reset\"}");
                sent = true;
            } catch (IOException e) {
                LOG.debug("QEMU host [{}]: QMP system_reset failed: {}", name, e.getMessage());
            }
        }
        if (!sent) {
            // No QMP: the same reset from outside, by ending QEMU and booting again.
            kill(Stop.RESET, deadline);
        }
        awaitState(() -> generation > before || state == State.OFF || state == State.FAILED || state == State.CLOSED, deadline,
                "boot again after a reset");
    }

    /**
     * Takes the links of {@code down} down and the others up, through QMP {@code set_link} (the
     * guest sees its NIC lose its carrier); kept over reboots and power cycles, whose new QEMU
     * process gets them at its start. A machine that is off gets them when it is powered on.
     */
    synchronized void setLinksDown(Set<String> down, Duration deadline) {
        requireOpen();
        Set<String> before = linksDown;
        linksDown = Set.copyOf(down);
        if (process == null) {
            return;
        }
        if (qmp == null) {
            linksDown = before;
            throw new QemuException("QEMU host [" + name + "] cannot set its links: it has no QMP connection (see the log).");
        }
        for (String netdev : List.of(USER_NET, LAN)) {
            if (before.contains(netdev) != linksDown.contains(netdev)) {
                try {
                    qmp.execute("set_link", "{\"name\":\"" + netdev + "\",\"up\":" + !linksDown.contains(netdev) + "}", deadline);
                } catch (IOException e) {
                    throw new QemuException("QEMU host [" + name + "] could not set its link [" + netdev + "] "
                            + (linksDown.contains(netdev) ? "down" : "up") + ": " + e.getMessage() + ".", e);
                }
            }
        }
        LOG.info("QEMU host [{}]: links down: {}", name, linksDown.isEmpty() ? "none" : linksDown);
    }

    /** The links down ({@link #USER_NET}, {@link #LAN}). */
    synchronized Set<String> linksDown() {
        return linksDown;
    }

    /** The pid of the running QEMU process; -1 when there is none. */
    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Waits until the guest's sshd answers; a {@link QemuException} saying why when it is off, failed or past the deadline. */
    synchronized void awaitUp(Duration deadline) {
        awaitState(() -> state != State.BOOTING, deadline, "answer SSH");
        if (state != State.UP) {
            throw new QemuException("QEMU host [" + name + "] is not up: it is [" + state + "]" + (failure == null ? "" : " because " + failure)
                    + ". " + consoleTail(5));
        }
    }

    /** Ends the machine for good. */
    synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (process != null) {
            try {
                kill(Stop.CLOSE, STOP);
            } catch (RuntimeException e) {
                LOG.warn("QEMU host [{}] did not stop within [{}]: {}", name, HumanDuration.of(STOP), e.getMessage());
            }
        }
        state = State.CLOSED;
        notifyAll();
    }

    // ---- boots ------------------------------------------------------------------------------

    /** With the lock held: reads the boot entry and starts QEMU with it; the boot check runs in the background. */
    private void startBoot() {
        generation++;
        long boot = generation;
        stopping = Stop.NONE;
        failure = null;
        try {
            entry = disk.nextBoot(Files.createDirectories(dir.resolve("run")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            state = State.FAILED;
            failure = "its boot loader found nothing to boot: " + e.getMessage();
            notifyAll();
            throw e;
        }
        List<String> command = command(entry);
        bootStartedNanos = System.nanoTime();
        ConsoleMarker listens;
        try {
            appendConsole("junit-multihost: boot [" + boot + "] of [" + name + "]: kernel [" + entry.kernel() + "] from the "
                    + entry.source() + ", command line [" + entry.cmdline() + "]");
            // this boot's part of the console starts here
            listens = new ConsoleMarker(dir.resolve("console.log"), ConsoleMarker.end(dir.resolve("console.log")), SSHD_LISTENS);
            process = launch(command);
        } catch (IOException e) {
            state = State.FAILED;
            failure = "QEMU did not start: " + e.getMessage();
            notifyAll();
            throw new QemuException("Could not start QEMU for host [" + name + "]: [" + e.getMessage() + "]. Install qemu-system-x86.", e);
        }
        Process started = process;
        state = State.BOOTING;
        try {
            qmp = Qmp.connect(dir.resolve("qmp.sock"), STOP, started.toHandle());
        } catch (IOException e) {
            qmp = null;
            LOG.warn("QEMU host [{}]: no QMP connection ({}); a reboot and a power off look the same", name, e.getMessage());
        }
        if (qmp != null) {
            for (String netdev : linksDown) {
                try {
                    qmp.execute("set_link", "{\"name\":\"" + netdev + "\",\"up\":false}", STOP);
                } catch (IOException e) {
                    LOG.warn("QEMU host [{}]: its link [{}] stays up at this boot, though a cut holds it down: {}", name, netdev,
                            e.getMessage());
                }
            }
        }
        Qmp events = qmp;
        LOG.info("QEMU host [{}]: boot [{}] started ({}): kernel [{}] from the {}, command line [{}]", name, boot, accel.name(),
                entry.kernel(), entry.source(), entry.cmdline());
        started.onExit().thenRunAsync(() -> onExit(boot, started, events), QemuThreads.IO);
        QemuThreads.IO.execute(() -> checkBoot(boot, listens));
        notifyAll();
    }

    private Process launch(List<String> command) throws IOException {
        return startDyingWithThisJvm(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("qemu.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
    }

    /**
     * Starts {@code builder}'s QEMU under {@code setpriv --pdeathsig KILL}, from
     * {@link QemuThreads#LAUNCHER}: a QEMU whose JVM died (even by SIGKILL, when no shutdown hook
     * runs) is killed by the kernel at once, rather than running on with its guest, its ports and
     * its links as the dead JVM left them.
     */
    static Process startDyingWithThisJvm(ProcessBuilder builder) throws IOException {
        List<String> command = new ArrayList<>(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
        command.addAll(builder.command());
        builder.command(command);
        try {
            return QemuThreads.LAUNCHER.submit(builder::start).get(STOP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the launcher did not start it within [" + HumanDuration.of(STOP) + "]");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting it", e);
        }
    }

    private List<String> command(BootDisk.Entry boot) {
        List<String> command = new ArrayList<>(List.of(QEMU, "-name", name,
                "-accel", accel.name().equals("tcg") ? "tcg,tb-size=64" : accel.name(),
                "-m", Integer.toString(options.memoryMib()), "-smp", "1",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-chardev", "file,id=console,path=" + dir.resolve("console.log") + ",append=on", "-serial", "chardev:console",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off",
                "-kernel", boot.vmlinuz().toString(), "-initrd", boot.initrd().toString(), "-append", boot.cmdline(),
                "-drive", "file=" + disk.image() + ",if=virtio,format=raw",
                "-netdev", "user,id=" + USER_NET + ",hostfwd=tcp:127.0.0.1:" + port + "-:22", "-device", "virtio-net-pci,netdev=net0",
                // An entropy source, as clouds give their machines: without one the emulated kernel's
                // random pool takes about a second after sshd listens, and sshd serves no one until then.
                "-device", "virtio-rng-pci"));
        command.addAll(lan.qemuArguments());
        if (javaDisk != null) {
            // The second disk (vdb), shared by every machine: read-only, so QEMU takes no write lock on it.
            command.addAll(List.of("-drive", "file=" + javaDisk + ",if=virtio,format=raw,readonly=on"));
        }
        return command;
    }

    /**
     * Waits for the guest to print {@link #SSHD_LISTENS} on its console, then polls the port forward
     * until sshd sends its banner. Nothing connects before: QEMU's user network accepts at once and
     * retries a connection's SYN towards the guest until it answers, even after the connection was
     * closed, so every probe made while the guest boots would reach its sshd later, each one an sshd
     * process for the emulated guest to start (a fork with {@code -r}; about 0.4 s of its CPU for
     * an sshd that re-executes itself) beside the connections that matter.
     */
    private void checkBoot(long boot, ConsoleMarker listens) {
        long end = bootStartedNanos + options.bootTimeout().toNanos();
        boolean listening = false;
        while (true) {
            synchronized (this) {
                if (generation != boot || state != State.BOOTING) {
                    return;
                }
                if (System.nanoTime() > end) {
                    failure = (listening ? "its sshd did not answer within [" : "its sshd did not start within [")
                            + HumanDuration.of(options.bootTimeout()) + "] (" + QemuHostProviderFactory.BOOT_TIMEOUT + ")"
                            + (listening ? "" : ": the console never said it listens");
                    LOG.warn("QEMU host [{}]: boot [{}] {}; {}", name, boot, failure, consoleTail(3));
                    return;
                }
            }
            listening = listening || listens.seen();
            if (listening && bannerSeen()) {
                synchronized (this) {
                    if (generation == boot && state == State.BOOTING) {
                        state = State.UP;
                        LOG.info("QEMU host [{}] is up on 127.0.0.1:{} after [{}]", name, port,
                                HumanDuration.of(Duration.ofNanos(System.nanoTime() - bootStartedNanos)));
                        notifyAll();
                    }
                }
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean bannerSeen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            // sshd listens: a slow guest's banner is awaited rather than asked for again
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            byte[] banner = in.readNBytes(4);
            return new String(banner, StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }

    /** A QEMU process ended: read why, and boot again, stay off, or fail. */
    private void onExit(long boot, Process ended, Qmp events) {
        String reason = events == null ? null : events.shutdownReason(Duration.ofSeconds(1));
        if (events != null) {
            events.close();
        }
        synchronized (this) {
            if (generation != boot || process != ended) {
                return;
            }
            process = null;
            qmp = null;
            Stop why = stopping;
            stopping = Stop.NONE;
            int code = ended.exitValue();
            if (why == Stop.CLOSE || state == State.CLOSED) {
                state = State.CLOSED;
            } else if (why == Stop.POWER_OFF) {
                state = State.OFF;
            } else if (why == Stop.RESET || reason != null && RESETS.contains(reason)) {
                String what = why == Stop.RESET || reason.equals("host-qmp-system-reset") ? "reset"
                        : reason.equals("guest-panic") ? "rebooted after a panic" : "rebooted by its guest";
                LOG.info("QEMU host [{}]: {} ({}); booting again", name, what, reason);
                try {
                    startBoot();
                    changed(what);
                } catch (RuntimeException e) {
                    LOG.error("QEMU host [{}] could not boot again: {}", name, e.getMessage());
                    changed("failed to boot");
                }
            } else if (reason != null) {
                state = State.OFF;
                LOG.info("QEMU host [{}] is off ({})", name, reason);
                changed("powered off by its guest");
            } else {
                state = State.FAILED;
                failure = "QEMU exited with [" + code + "] without a shutdown event: " + qemuLogTail();
                LOG.error("QEMU host [{}]: {}", name, failure);
                changed("failed");
            }
            notifyAll();
        }
    }

    /** With the lock held: kills QEMU for {@code why} and waits until its exit was read. */
    private void kill(Stop why, Duration deadline) {
        Process victim = process;
        long boot = generation;
        stopping = why;
        victim.destroyForcibly();
        awaitState(() -> generation != boot || process != victim, deadline.compareTo(STOP) < 0 ? deadline : STOP, "stop");
    }

    /** A power or boot change, in words; the engine learns of unasked ones from the next boot id it reads. */
    private void changed(String what) {
        LOG.debug("QEMU host [{}]: {} (boot [{}])", name, what, generation);
    }

    private void requireOpen() {
        if (state == State.CLOSED) {
            throw new QemuException("QEMU host [" + name + "] is closed with its provider.");
        }
    }

    /** The last {@code lines} lines of the guest's serial console, for messages. */
    String consoleTail(int lines) {
        return "Console [" + dir.resolve("console.log") + "] ends with: [" + tail(dir.resolve("console.log"), lines) + "]";
    }

    private String qemuLogTail() {
        return "[" + tail(dir.resolve("qemu.log"), 3) + "] (" + dir.resolve("qemu.log") + ")";
    }

    /** The last {@code count} lines of the guest's serial console, oldest first (control characters left out). */
    List<String> consoleLines(int count) {
        try {
            return lines(dir.resolve("console.log"), count).stream().map(l -> l.replaceAll("\\p{Cntrl}", "").strip())
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            return List.of("(console unreadable: " + e.getMessage() + ")");
        }
    }

    private static String tail(Path file, int lines) {
        try {
            return String.join(" | ", lines(file, lines)).strip();
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static List<String> lines(Path file, int count) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
    }

    private void appendConsole(String line) throws IOException {
        Files.writeString(dir.resolve("console.log"), line + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** With the lock held: waits until {@code condition} holds; a {@link QemuException} past {@code deadline}. */
    private void awaitState(BooleanSupplier condition, Duration deadline, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new QemuException("QEMU host [" + name + "] did not " + what + " within [" + HumanDuration.of(deadline) + "]; it is ["
                        + state + "]" + (failure == null ? "" : " because " + failure) + ". " + consoleTail(3));
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QemuException("Interrupted while waiting for QEMU host [" + name + "] to " + what + ".", e);
            }
        }
    }
}
