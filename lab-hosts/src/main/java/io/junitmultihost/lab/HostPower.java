package io.junitmultihost.lab;

import io.junitmultihost.spi.HumanDuration;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lab host's power and life: its init started for each boot, read when it ends (reboot, crash,
 * power off, failed boot), booted again after the lab's down time, and the power actions a test
 * takes on it. Whether a boot is up is {@link BootCheck}'s to say. Thread-safe: one lock, which
 * waiting callers give up while they wait.
 */
final class HostPower {

    private static final Logger LOG = LoggerFactory.getLogger(LabHost.class);

    /** Exit codes of the lab's init (see the init script), and of unshare for a reboot(2) in the namespace. */
    private static final int EXIT_REBOOT = 10;
    private static final int EXIT_POWER_OFF = 11;
    private static final int EXIT_BOOT_FAILED = 20;
    private static final int KILLED_BY_SIGHUP = 128 + 1;
    private static final int KILLED_BY_SIGINT = 128 + 2;

    /** How long stopping a host's processes may take. */
    static final Duration STOP = Duration.ofSeconds(10);

    /** Why the lab itself ends a host's init, so that its exit is read right. */
    private enum Stop { NONE, CRASH, POWER_OFF, CLOSE }

    private final Lab lab;
    private final String name;
    private final String address;
    private final String namespace;
    private final HostDir dir;
    private final HostFaults faults;
    private final HostKeys keys;
    private final BootCheck check;

    private LabHost.State state = LabHost.State.OFF;
    private long generation;
    private Process process;
    private Stop stopping = Stop.NONE;
    private String bootId;
    private ScheduledFuture<?> pendingBoot;
    private String failure;
    private long bootStartedNanos;

    HostPower(LabHost host, HostFaults faults, HostKeys keys) {
        this.lab = host.lab();
        this.name = host.name();
        this.address = host.address();
        this.namespace = host.namespace();
        this.dir = host.dir();
        this.faults = faults;
        this.keys = keys;
        this.check = new BootCheck(host, this);
    }

    synchronized LabHost.State state() {
        return state;
    }

    // ---- power actions ----------------------------------------------------------------------

    /** See {@link LabHost#reboot(Duration)}. */
    synchronized void reboot(Duration deadline) {
        awaitState(() -> state != LabHost.State.BOOTING, deadline, "finish booting");
        if (state != LabHost.State.UP) {
            throw new LabException("Lab host [" + name + "] cannot reboot: it is [" + state + "]. Power it on first.");
        }
        long before = generation;
        signalInit("USR1");
        awaitState(() -> generation > before && state == LabHost.State.UP || state == LabHost.State.FAILED
                || state == LabHost.State.OFF || state == LabHost.State.CLOSED, deadline, "come back after a reboot");
        failIfNotUp("reboot");
    }

    /** See {@link LabHost#crash()}. */
    void crash() {
        stop(Stop.CRASH);
    }

    /** See {@link LabHost#powerOff()}. */
    void powerOff() {
        stop(Stop.POWER_OFF);
    }

    /** See {@link LabHost#powerOn(Duration)}. */
    void powerOn(Duration deadline) {
        synchronized (this) {
            if (state == LabHost.State.CLOSED) {
                throw new LabException("Lab host [" + name + "] is closed with its lab; start a new lab.");
            }
            if (state == LabHost.State.DOWN || state == LabHost.State.OFF || state == LabHost.State.FAILED) {
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

    /** See {@link LabHost#awaitUp(Duration)}. */
    synchronized void awaitUp(Duration deadline) {
        awaitState(() -> state != LabHost.State.BOOTING && state != LabHost.State.DOWN, deadline, "come up");
        failIfNotUp("come up");
    }

    // ---- boots ------------------------------------------------------------------------------

    /** Starts the host's init: a new boot with a new boot id; {@link BootCheck} checks it in the background. */
    synchronized void startBoot() {
        if (state == LabHost.State.CLOSED) {
            return;
        }
        generation++;
        long boot = generation;
        stopping = Stop.NONE;
        failure = null;
        pendingBoot = null;
        keys.beforeBoot(STOP);
        bootStartedNanos = System.nanoTime();
        bootId = UUID.randomUUID().toString();
        dir.prepareBoot(bootId, dir.requestedCmdline().orElse(lab.options().cmdline(name)));
        faults.up();
        // The boot's work runs nicer than the lab, its sshd (and so every session) as the lab does: real
        // machines boot on CPUs of their own, and here a hundred booting hosts would otherwise queue the
        // test JVM and the hosts already up behind their mounts (docs/LAB.md).
        String niceness = Integer.toString(lab.options().bootNiceness());
        ProcessBuilder builder = new ProcessBuilder(List.of("nice", "-n", niceness,
                "ip", "netns", "exec", namespace,
                "unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--mount-proc", "--kill-child",
                "/bin/sh", lab.initScript().toString(), dir.dir().toString(), niceness))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.console().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            process = builder.start();
        } catch (IOException e) {
            state = LabHost.State.FAILED;
            failure = "could not start its init: " + e.getMessage();
            notifyAll();
            throw new LabException("Could not start lab host [" + name + "]: [" + e.getMessage() + "].", e);
        }
        Process started = process;
        state = LabHost.State.BOOTING;
        LOG.debug("Lab host [{}]: booting with boot id [{}]", name, bootId);
        // Runs in the JDK's reaper thread of this very process, so it needs no pool of the lab's.
        started.onExit().thenRun(() -> onExit(boot, started));
        check.start(boot, bootId, bootStartedNanos + lab.options().bootTimeout().toNanos());
    }

    /**
     * The pid of boot {@code boot}'s init while that boot is still being checked, else -1; past
     * {@code deadline} the boot fails, saying {@code last} was the last thing seen.
     */
    synchronized long booting(long boot, long deadline, String last) {
        if (generation != boot || state != LabHost.State.BOOTING || process == null) {
            return -1;
        }
        if (System.nanoTime() > deadline) {
            fail("it did not answer SSH within [" + HumanDuration.of(lab.options().bootTimeout()) + "] (" + last + "); " + dir.tail(5)
                    + ". Raise " + LabHostProviderFactory.BOOT_TIMEOUT + " on a loaded machine");
            return -1;
        }
        return process.pid();
    }

    /**
     * The safety check of boot {@code boot} ended: up when it passed, refused when it did not but
     * the host answered. False when it should be checked again (the host did not answer yet).
     */
    synchronized boolean checked(long boot, SafetyCheck.Outcome outcome) {
        if (generation != boot || state != LabHost.State.BOOTING) {
            return true;
        }
        if (outcome.passed()) {
            state = LabHost.State.UP;
            notifyAll();
            LOG.info("Lab host [{}] is up at [{}] with boot id [{}] after [{}] ms", name, address, bootId,
                    (System.nanoTime() - bootStartedNanos) / 1_000_000);
            return true;
        }
        if (outcome.reachable()) {
            refuse(outcome.problems());
            return true;
        }
        return false;
    }

    /** See {@link BootCheck#recheck(Duration)}. */
    void recheck(Duration deadline) {
        check.recheck(deadline);
    }

    /** The boot id of the boot that is up now, for a safety check before handing the host out. */
    synchronized String upBootId(String what) {
        failIfNotUp(what);
        return bootId;
    }

    /** The safety check refused the host: it is stopped and never handed out. */
    synchronized void refuse(List<String> problems) {
        LOG.error("Lab host [{}] failed the safety check and is stopped: {}", name, problems);
        fail("the safety check refused it: " + String.join("; ", problems));
    }

    private void fail(String why) {
        failure = why;
        state = LabHost.State.FAILED;
        if (process != null) {
            stopping = Stop.POWER_OFF;
            process.destroyForcibly();
        }
        notifyAll();
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
            if (why == Stop.CLOSE || state == LabHost.State.CLOSED) {
                state = LabHost.State.CLOSED;
            } else if (state == LabHost.State.FAILED) {
                faults.downQuietly();
            } else if (why == Stop.POWER_OFF || code == EXIT_POWER_OFF || code == KILLED_BY_SIGINT) {
                state = LabHost.State.OFF;
                faults.downQuietly();
                LOG.info("Lab host [{}] is powered off", name);
            } else if (code == EXIT_BOOT_FAILED) {
                failure = "its init could not boot it: " + dir.tail(5);
                state = LabHost.State.FAILED;
                LOG.error("Lab host [{}] failed to boot: {}", name, failure);
            } else {
                if (why != Stop.CRASH && code != EXIT_REBOOT && code != KILLED_BY_SIGHUP) {
                    LOG.warn("Lab host [{}]: its init ended unexpectedly with exit code [{}]; booting it again after [{}], "
                            + "as a watchdog would. {}", name, code, HumanDuration.of(lab.options().downTime()), dir.tail(3));
                }
                state = LabHost.State.DOWN;
                if (lab.options().downMode() == DownMode.LINK) {
                    faults.downQuietly();
                }
                LOG.info("Lab host [{}] is down ({}) for [{}]", name, why == Stop.CRASH ? "crashed" : "rebooting",
                        HumanDuration.of(lab.options().downTime()));
                try {
                    pendingBoot = lab.executor().schedule(this::bootAfterDownTime, lab.options().downTime().toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    state = LabHost.State.CLOSED;
                }
            }
            notifyAll();
        }
    }

    private synchronized void bootAfterDownTime() {
        if (state == LabHost.State.DOWN) {
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
            awaitState(() -> state != LabHost.State.BOOTING, lab.options().bootTimeout().plus(STOP), "finish booting");
            if (why == Stop.POWER_OFF && state == LabHost.State.DOWN) {
                // Off during a reboot's down time: stay off rather than boot.
                if (pendingBoot != null) {
                    pendingBoot.cancel(false);
                }
                state = LabHost.State.OFF;
                faults.down();
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
        long pid = running.toHandle().children().mapToLong(ProcessHandle::pid).filter(HostPower::isLabInit).findFirst()
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
    synchronized void close() {
        if (pendingBoot != null) {
            pendingBoot.cancel(false);
        }
        if (process != null) {
            try {
                killAndAwait(Stop.CLOSE);
            } catch (RuntimeException e) {
                LOG.warn("Lab host [{}] did not stop within [{}]; its namespace is removed anyway.", name, HumanDuration.of(STOP));
            }
        }
        state = LabHost.State.CLOSED;
        notifyAll();
    }

    private void failIfNotUp(String what) {
        if (state != LabHost.State.UP) {
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
                throw new LabException("Lab host [" + name + "] did not " + what + " within [" + HumanDuration.of(deadline) + "]; it is [" + state
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
}
