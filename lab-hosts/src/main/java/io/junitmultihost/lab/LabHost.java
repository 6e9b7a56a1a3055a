package io.junitmultihost.lab;

import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HostSpec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host of a {@link Lab}: a real OpenSSH sshd in its own network, PID, mount, UTS and IPC
 * namespaces, reachable at {@link #address()} port 22 as root with the lab's client key. Obtain
 * hosts from {@link Lab#hosts()}; thread-safe.
 *
 * <p>Power: {@link #reboot()} (as {@code reboot} run on the host), {@link #crash()} (every process
 * killed at once; it boots again after the lab's down time), {@link #powerOff()} and
 * {@link #powerOn()}. Each boot has a new {@link #bootId()}. Faults, applied with nftables and tc
 * inside the host's namespace and on its link: {@link #cutLink()}, {@link #dropPackets(int)},
 * {@link #cutFrom(LabHost)}, {@link #cutFromMachine()}, {@link #limitBandwidth(long)}; {@link #clearFaults()}
 * lifts them all.
 * Every method that waits takes or has a deadline and fails with {@link LabException} past it.
 */
public final class LabHost implements HostControl {

    private static final Logger LOG = LoggerFactory.getLogger(LabHost.class);

    /** Exit codes of the lab's init (see the init script), and of unshare for a reboot(2) in the namespace. */
    private static final int EXIT_REBOOT = 10;
    private static final int EXIT_POWER_OFF = 11;
    private static final int EXIT_BOOT_FAILED = 20;
    private static final int KILLED_BY_SIGHUP = 128 + 1;
    private static final int KILLED_BY_SIGINT = 128 + 2;

    /** How long stopping a host's processes may take. */
    private static final Duration STOP = Duration.ofSeconds(10);
    /** How long one safety check over SSH may take. */
    private static final Duration CHECK = Duration.ofSeconds(15);

    /** Where a host is in its life. */
    public enum State {
        /** Its init runs; sshd is not yet checked. */
        BOOTING,
        /** Booted, sshd answers and the safety check passed. */
        UP,
        /** Rebooting or crashed: down for the lab's down time, then it boots by itself. */
        DOWN,
        /** Powered off: it stays down until {@link LabHost#powerOn()}. */
        OFF,
        /** Its boot failed or the safety check refused it; {@link LabHost#powerOn()} tries again. */
        FAILED,
        /** Removed with its lab. */
        CLOSED
    }

    /** Why the lab itself ends a host's init, so that its exit is read right. */
    private enum Stop { NONE, CRASH, POWER_OFF, CLOSE }

    private final Lab lab;
    private final int index;
    private final String name;
    private final String address;
    private final String namespace;
    private final String veth;
    private final HostDir dir;

    private State state = State.OFF;
    private long generation;
    private Process process;
    private Stop stopping = Stop.NONE;
    private String bootId;
    private String knownHostsLine;
    private FaultRules faults = FaultRules.NONE;
    private Long bandwidth;
    private boolean newHostKeys;
    private ScheduledFuture<?> pendingBoot;
    private String failure;
    private long bootStartedNanos;

    LabHost(Lab lab, int index, String name, String address, String namespace, String veth, HostDir dir) {
        this.lab = lab;
        this.index = index;
        this.name = name;
        this.address = address;
        this.namespace = namespace;
        this.veth = veth;
        this.dir = dir;
    }

    /** The host's name, such as {@code lab-1}; also its hostname. */
    public String name() {
        return name;
    }

    /** The host's address on the lab's bridge. */
    public String address() {
        return address;
    }

    /** Where the host is in its life now. */
    public synchronized State state() {
        return state;
    }

    /**
     * How to reach this host over SSH: its address, port 22, user root, the lab's client key, and
     * its host key as the only known_hosts line (strict checking), with this host as its control.
     */
    public synchronized HostSpec spec() {
        return HostSpec.builder(name, address)
                .port(22)
                .user("root")
                .identityFile(lab.clientKey())
                .knownHosts(List.of(knownHostsLine))
                .strictHostKeyChecking(true)
                .labels(Map.of("provider", LabHostProviderFactory.NAME, "lab", lab.id(), "namespace", namespace))
                .control(this)
                .build();
    }

    /** The host's key as one OpenSSH known_hosts line: {@code <address> ssh-ed25519 AAAA...}. */
    public synchronized String knownHostsLine() {
        return knownHostsLine;
    }

    /** The boot id of the host's current (or last) boot, as {@code /proc/sys/kernel/random/boot_id} shows it there. */
    public String bootId() {
        try {
            return Files.readString(dir.bootId(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new LabException("Could not read the boot id of lab host [" + name + "] from [" + dir.bootId() + "].", e);
        }
    }

    /**
     * Runs {@code command} on the host with {@code /usr/bin/ssh} from this machine (so through any
     * fault applied) and returns its output; a {@link LabException} when it fails or outlives
     * {@code deadline}.
     */
    public String exec(String command, Duration deadline) {
        Exec.Result result = ssh(command, deadline);
        if (!result.ok()) {
            throw new LabException("Command [" + command + "] on lab host [" + name + "] exited with [" + result.exitCode()
                    + "]: [" + result.output().strip() + "].");
        }
        return result.output();
    }

    /** Runs {@code command} over SSH from this machine and returns what it left, whatever its exit code. */
    Exec.Result ssh(String command, Duration deadline) {
        return OpenSshClient.run(null, address, lab.clientKey(), dir.knownHosts(), command, deadline);
    }

    // ---- power ------------------------------------------------------------------------------

    /** Reboots the host as {@code reboot} run on it would, and waits until it is up again with a new boot id. */
    public void reboot() {
        reboot(lab.options().downTime().plus(lab.options().bootTimeout()).plusSeconds(10));
    }

    /**
     * Reboots the host as {@code reboot} run on it would: its processes get SIGTERM, then the
     * host's PID namespace ends; it stays down for the lab's down time and boots with a new boot
     * id. Returns once it is up again; a {@link LabException} past {@code deadline}.
     */
    public void reboot(Duration deadline) {
        long before;
        synchronized (this) {
            awaitState(() -> state != State.BOOTING, deadline, "finish booting");
            if (state != State.UP) {
                throw new LabException("Lab host [" + name + "] cannot reboot: it is [" + state + "]. Power it on first.");
            }
            before = generation;
            signalInit("USR1");
            awaitState(() -> generation > before && state == State.UP || state == State.FAILED || state == State.OFF
                    || state == State.CLOSED, deadline, "come back after a reboot");
            failIfNotUp("reboot");
        }
    }

    /** Kills every process on the host at once, as a kernel panic would; it boots again by itself after the down time. */
    public void crash() {
        stop(Stop.CRASH);
    }

    /** Cuts the host's power: every process dies at once, nothing answers (connections time out) until {@link #powerOn()}. */
    @Override
    public void powerOff() {
        stop(Stop.POWER_OFF);
    }

    /** Powers the host on (or boots it now if it is down after a crash or reboot) and waits until it is up. */
    @Override
    public void powerOn() {
        powerOn(lab.options().bootTimeout().plusSeconds(10));
    }

    /** As {@link #powerOn()}, failing with {@link LabException} past {@code deadline}. */
    public void powerOn(Duration deadline) {
        synchronized (this) {
            if (state == State.CLOSED) {
                throw new LabException("Lab host [" + name + "] is closed with its lab; start a new lab.");
            }
            if (state == State.DOWN || state == State.OFF || state == State.FAILED) {
                if (pendingBoot != null) {
                    pendingBoot.cancel(false);
                }
                if (process != null) {
                    killAndAwait(Stop.POWER_OFF);
                }
                startBoot();
            }
        }
        awaitUp(deadline);
    }

    /** Waits until the host is up; fails fast when it is off, failed or closed, and past {@code deadline}. */
    public void awaitUp(Duration deadline) {
        synchronized (this) {
            awaitState(() -> state != State.BOOTING && state != State.DOWN, deadline, "come up");
            failIfNotUp("come up");
        }
    }

    /** The next boot gets new host keys, as a reinstalled machine would; {@link #spec()} then shows the new one. */
    public synchronized void changeHostKeys() {
        newHostKeys = true;
    }

    // ---- faults ----------------------------------------------------------------------------

    /** Cuts the host's link: every packet to or from it is dropped, so connections time out. */
    @Override
    public synchronized void cutLink() {
        setFaults(faults.withLinkCut(true));
        LOG.info("Lab host [{}]: link cut", name);
    }

    /** Restores a link cut with {@link #cutLink()}. */
    @Override
    public synchronized void restoreLink() {
        setFaults(faults.withLinkCut(false));
        LOG.info("Lab host [{}]: link restored", name);
    }

    /** Drops {@code percent} (0 to 100) of the packets the host sends and of those it gets, at random; 0 stops it. */
    public synchronized void dropPackets(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("The share of packets to drop must be 0 to 100, was [" + percent + "].");
        }
        setFaults(faults.withDropPercent(percent));
        LOG.info("Lab host [{}]: dropping {}% of packets", name, percent);
    }

    /** Cuts the host off from {@code peer} only (both ways); other hosts and this machine still reach it. */
    public synchronized void cutFrom(LabHost peer) {
        setFaults(faults.withCutPeer(Objects.requireNonNull(peer, "peer").address(), true));
        LOG.info("Lab host [{}]: cut off from [{}]", name, peer.name());
    }

    /** Undoes {@link #cutFrom(LabHost)}. */
    public synchronized void restoreFrom(LabHost peer) {
        setFaults(faults.withCutPeer(Objects.requireNonNull(peer, "peer").address(), false));
        LOG.info("Lab host [{}]: reconnected to [{}]", name, peer.name());
    }

    /**
     * Cuts the host off from this machine only (its address on the bridge, {@link Lab#gateway()}),
     * both ways: other hosts still reach it, so this machine reaches it only through one of them,
     * as a host behind a jump host. Meanwhile {@link #exec}, which connects from this machine, fails.
     */
    public synchronized void cutFromMachine() {
        setFaults(faults.withCutPeer(lab.gateway(), true));
        LOG.info("Lab host [{}]: cut off from this machine", name);
    }

    /** Undoes {@link #cutFromMachine()}. */
    public synchronized void restoreFromMachine() {
        setFaults(faults.withCutPeer(lab.gateway(), false));
        LOG.info("Lab host [{}]: reconnected to this machine", name);
    }

    /** Limits what the host sends and what it gets to {@code bitsPerSecond} each (tc tbf). */
    public synchronized void limitBandwidth(long bitsPerSecond) {
        if (bitsPerSecond < 8000) {
            throw new IllegalArgumentException("The bandwidth limit must be at least 8000 bit/s, was [" + bitsPerSecond + "].");
        }
        LabNetwork.limitBandwidth(namespace, veth, bitsPerSecond);
        bandwidth = bitsPerSecond;
        LOG.info("Lab host [{}]: bandwidth limited to {} bit/s", name, bitsPerSecond);
    }

    /** Lifts a limit set with {@link #limitBandwidth(long)}. */
    public synchronized void removeBandwidthLimit() {
        if (bandwidth != null) {
            LabNetwork.removeBandwidthLimit(namespace, veth);
            bandwidth = null;
            LOG.info("Lab host [{}]: bandwidth limit lifted", name);
        }
    }

    /** Lifts every fault: link cut, packet loss, peer cuts, bandwidth limit. Power stays as it is. */
    public synchronized void clearFaults() {
        if (!faults.cleared().equals(faults)) {
            setFaults(faults.cleared());
        }
        removeBandwidthLimit();
    }

    @Override
    public String toString() {
        return "LabHost[" + name + " " + address + " " + state() + "]";
    }

    // ---- internals --------------------------------------------------------------------------

    int index() {
        return index;
    }

    String namespace() {
        return namespace;
    }

    String veth() {
        return veth;
    }

    HostDir dir() {
        return dir;
    }

    Lab lab() {
        return lab;
    }

    /** Lays out the host's files and keys; the network is plugged by the lab. */
    void create(List<String> overlays, String clientPublicKey, String shim, String shimTargets) {
        dir.create(overlays, clientPublicKey, shim, shimTargets, STOP);
        writeKnownHosts();
    }

    /** Starts the host's init: a new boot with a new boot id; the lab checks it in the background. */
    synchronized void startBoot() {
        if (state == State.CLOSED) {
            return;
        }
        generation++;
        long boot = generation;
        stopping = Stop.NONE;
        failure = null;
        pendingBoot = null;
        if (newHostKeys) {
            dir.newHostKey(STOP);
            writeKnownHosts();
            newHostKeys = false;
        }
        bootStartedNanos = System.nanoTime();
        bootId = UUID.randomUUID().toString();
        dir.prepareBoot(bootId, dir.requestedCmdline().orElse(lab.options().cmdline(name)));
        if (faults.down()) {
            setFaults(faults.withDown(false));
        }
        ProcessBuilder builder = new ProcessBuilder(List.of("ip", "netns", "exec", namespace,
                "unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--mount-proc", "--kill-child",
                "/bin/sh", lab.initScript().toString(), dir.dir().toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.console().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            process = builder.start();
        } catch (IOException e) {
            state = State.FAILED;
            failure = "could not start its init: " + e.getMessage();
            notifyAll();
            throw new LabException("Could not start lab host [" + name + "]: [" + e.getMessage() + "].", e);
        }
        Process started = process;
        state = State.BOOTING;
        LOG.debug("Lab host [{}]: booting with boot id [{}]", name, bootId);
        // Runs in the JDK's reaper thread of this very process, so it needs no pool of the lab's.
        started.onExit().thenRun(() -> onExit(boot, started));
        String expected = bootId;
        long deadline = bootStartedNanos + lab.options().bootTimeout().toNanos();
        lab.executor().execute(() -> checkBoot(boot, expected, deadline, "no answer yet"));
    }

    /**
     * One step of checking a boot, on a lab thread: until sshd listens (read from the host's
     * {@code /proc/net/tcp}, no program run) it looks again shortly; then the safety check runs
     * over SSH, and the host is up when it passes. No thread waits idle meanwhile.
     */
    private void checkBoot(long boot, String expected, long deadline, String last) {
        long pid;
        synchronized (this) {
            if (generation != boot || state != State.BOOTING || process == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("it did not answer SSH within [" + lab.options().bootTimeout() + "] (" + last + "); " + dir.tail(5)
                        + ". Raise " + LabHostProviderFactory.BOOT_TIMEOUT + " on a loaded machine");
                return;
            }
            pid = process.pid();
        }
        if (!sshdListens(pid)) {
            retryCheck(boot, expected, deadline, "sshd is not listening yet", 20);
            return;
        }
        Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
        SafetyCheck.Outcome outcome = SafetyCheck.run(this, expected, left.compareTo(CHECK) < 0 ? left : CHECK);
        synchronized (this) {
            if (generation != boot || state != State.BOOTING) {
                return;
            }
            if (outcome.passed()) {
                state = State.UP;
                notifyAll();
                LOG.info("Lab host [{}] is up at [{}] with boot id [{}] after [{}] ms", name, address, bootId,
                        (System.nanoTime() - bootStartedNanos) / 1_000_000);
                return;
            }
            if (outcome.reachable()) {
                refuse(outcome.problems());
                return;
            }
        }
        retryCheck(boot, expected, deadline, String.join("; ", outcome.problems()), 50);
    }

    private void retryCheck(long boot, String expected, long deadline, String last, long delayMillis) {
        try {
            lab.executor().schedule(() -> checkBoot(boot, expected, deadline, last), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the lab is closing
        }
    }

    /** Whether a socket listens on port 22 in the network namespace of process {@code pid}. */
    private static boolean sshdListens(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "tcp"))) {
                String[] fields = line.strip().split("\\s+");
                // local_address is hex ip:port; state 0A is LISTEN
                if (fields.length > 3 && fields[1].endsWith(":0016") && fields[3].equals("0A")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The safety check refused the host: it is stopped and never handed out. */
    private void refuse(List<String> problems) {
        LOG.error("Lab host [{}] failed the safety check and is stopped: {}", name, problems);
        fail("the safety check refused it: " + String.join("; ", problems));
    }

    private void fail(String why) {
        failure = why;
        state = State.FAILED;
        if (process != null) {
            stopping = Stop.POWER_OFF;
            process.destroyForcibly();
        }
        notifyAll();
    }

    /** Runs the safety check again now (before a host is handed out); a {@link LabException} when it does not pass. */
    void recheck(Duration deadline) {
        String expected;
        synchronized (this) {
            failIfNotUp("be handed out");
            expected = bootId;
        }
        SafetyCheck.Outcome outcome = SafetyCheck.run(this, expected, deadline.compareTo(CHECK) < 0 ? deadline : CHECK);
        if (!outcome.passed()) {
            synchronized (this) {
                if (outcome.reachable()) {
                    refuse(outcome.problems());
                }
            }
            throw new LabException("Lab host [" + name + "] did not pass the safety check before being handed out: "
                    + outcome.problems() + ".");
        }
    }

    /** The host's init ended: read why, and go down, off, or back up after the down time. */
    private void onExit(long boot, Process ended) {
        synchronized (this) {
            if (generation != boot || process != ended) {
                return;
            }
            process = null;
            int code = ended.exitValue();
            Stop why = stopping;
            stopping = Stop.NONE;
            if (why == Stop.CLOSE || state == State.CLOSED) {
                state = State.CLOSED;
            } else if (state == State.FAILED) {
                setFaultsQuietly(faults.withDown(true));
            } else if (why == Stop.POWER_OFF || code == EXIT_POWER_OFF || code == KILLED_BY_SIGINT) {
                state = State.OFF;
                setFaultsQuietly(faults.withDown(true));
                LOG.info("Lab host [{}] is powered off", name);
            } else if (code == EXIT_BOOT_FAILED) {
                failure = "its init could not boot it: " + dir.tail(5);
                state = State.FAILED;
                LOG.error("Lab host [{}] failed to boot: {}", name, failure);
            } else {
                if (why != Stop.CRASH && code != EXIT_REBOOT && code != KILLED_BY_SIGHUP) {
                    LOG.warn("Lab host [{}]: its init ended unexpectedly with exit code [{}]; booting it again after [{}], "
                            + "as a watchdog would. {}", name, code, lab.options().downTime(), dir.tail(3));
                }
                state = State.DOWN;
                if (lab.options().downMode() == DownMode.LINK) {
                    setFaultsQuietly(faults.withDown(true));
                }
                LOG.info("Lab host [{}] is down ({}) for [{}]", name, why == Stop.CRASH ? "crashed" : "rebooting",
                        lab.options().downTime());
                try {
                    pendingBoot = lab.executor().schedule(this::bootAfterDownTime, lab.options().downTime().toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    state = State.CLOSED;
                }
            }
            notifyAll();
        }
    }

    private synchronized void bootAfterDownTime() {
        if (state == State.DOWN) {
            try {
                startBoot();
            } catch (RuntimeException e) {
                LOG.error("Lab host [{}] could not boot again: {}", name, e.getMessage());
            }
        }
    }

    /** Ends the host's init (and so every process on it) for {@code why}, and waits until the lab has read its exit. */
    private void stop(Stop why) {
        synchronized (this) {
            awaitState(() -> state != State.BOOTING, lab.options().bootTimeout().plus(STOP), "finish booting");
            if (why == Stop.POWER_OFF && state == State.DOWN) {
                // Off during a reboot's down time: stay off rather than boot.
                if (pendingBoot != null) {
                    pendingBoot.cancel(false);
                }
                state = State.OFF;
                setFaults(faults.withDown(true));
                notifyAll();
                return;
            }
            if (process == null) {
                return;
            }
            LOG.info("Lab host [{}]: {}", name, why == Stop.CRASH ? "crashing" : "powering off");
            killAndAwait(why);
        }
    }

    /** With the lock held: SIGKILLs the host's unshare (its init and every process on it die with it) and waits for the exit. */
    private void killAndAwait(Stop why) {
        Process victim = process;
        long boot = generation;
        stopping = why;
        victim.destroyForcibly();
        awaitState(() -> generation != boot || process != victim, STOP, "stop");
    }

    /** Sends {@code signal} to the host's init (PID 1 in its namespace), after checking that it is the lab's init. */
    private void signalInit(String signal) {
        Process running = process;
        if (running == null) {
            throw new LabException("Lab host [" + name + "] has no running init to signal.");
        }
        long pid = running.toHandle().children().mapToLong(ProcessHandle::pid).filter(LabHost::isLabInit).findFirst()
                .orElseThrow(() -> new LabException("Could not find the init of lab host [" + name + "] under process ["
                        + running.pid() + "]."));
        Exec.run(STOP, List.of("kill", "-" + signal, Long.toString(pid))).orThrow("Signalling the init of lab host [" + name + "]");
    }

    private static boolean isLabInit(long pid) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            return cmdline.contains(SafetyCheck.INIT_MARKER);
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes the host for good: its processes die; the lab removes its namespace. */
    void close() {
        synchronized (this) {
            if (pendingBoot != null) {
                pendingBoot.cancel(false);
            }
            if (process != null) {
                killAndAwaitQuietly();
            }
            state = State.CLOSED;
            notifyAll();
        }
    }

    private void killAndAwaitQuietly() {
        try {
            killAndAwait(Stop.CLOSE);
        } catch (RuntimeException e) {
            LOG.warn("Lab host [{}] did not stop within [{}]; its namespace is removed anyway.", name, STOP);
        }
    }

    private void setFaults(FaultRules rules) {
        LabNetwork.applyRules(namespace, rules.script());
        faults = rules;
    }

    private void setFaultsQuietly(FaultRules rules) {
        try {
            setFaults(rules);
        } catch (RuntimeException e) {
            LOG.warn("Lab host [{}]: could not apply its network rules: {}", name, e.getMessage());
        }
    }

    private void writeKnownHosts() {
        knownHostsLine = address + " " + dir.hostPublicKey();
        try {
            Files.writeString(dir.knownHosts(), knownHostsLine + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LabException("Could not write [" + dir.knownHosts() + "] for lab host [" + name + "].", e);
        }
    }

    private void failIfNotUp(String what) {
        if (state != State.UP) {
            throw new LabException("Lab host [" + name + "] did not " + what + ": it is [" + state + "]"
                    + (failure == null ? "" : " because " + failure) + ".");
        }
    }

    /** With the lock held: waits until {@code condition} holds; a {@link LabException} past {@code deadline}. */
    private void awaitState(BooleanSupplier condition, Duration deadline, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new LabException("Lab host [" + name + "] did not " + what + " within [" + deadline + "]; it is [" + state
                        + "]" + (failure == null ? "" : " because " + failure) + ". " + dir.tail(3));
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("Interrupted while waiting for lab host [" + name + "] to " + what + ".", e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
