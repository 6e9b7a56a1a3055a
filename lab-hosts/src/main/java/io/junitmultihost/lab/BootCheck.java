package io.junitmultihost.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Watches one lab host's boots come up, on the lab's threads: until sshd listens (its init has
 * started sshd, which wrote its pid file; no program run) it looks again shortly; then the safety check runs
 * inside the boot's namespaces (no SSH connection; over SSH again before the host is handed out),
 * and the boot is up when it passes. No thread waits idle meanwhile. {@link HostPower}
 * owns the state; this only tells it what the checks found.
 */
final class BootCheck {

    /** How long one safety check over SSH may take. */
    private static final Duration CHECK = Duration.ofSeconds(15);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    /**
     * Between looks at a boot that has no sshd listening yet: from 20 ms, times 1.5, up to 100 ms.
     * Each look reads a few {@code /proc} files; a hundred hosts booting at once would otherwise
     * read them 5000 times a second for as long as the boots queue for the CPU. The engine's reboots
     * do not wait for this check (they watch sshd themselves); a lab start or power on waits at most
     * the cap more.
     */
    private static final long FIRST_LOOK_MILLIS = 20;
    private static final long MAX_LOOK_MILLIS = 100;

    private final LabHost host;
    private final HostPower power;

    BootCheck(LabHost host, HostPower power) {
        this.host = host;
        this.power = power;
    }

    /** Starts checking boot {@code boot} (boot id {@code expected}), failing it past {@code deadline} (nanoTime). */
    void start(long boot, String expected, long deadline) {
        host.lab().executor().execute(() -> step(boot, expected, deadline, "no answer yet", FIRST_LOOK_MILLIS));
    }

    /** One step of checking a boot. */
    private void step(long boot, String expected, long deadline, String last, long pause) {
        long pid = power.booting(boot, deadline, last);
        if (pid < 0) {
            return;
        }
        Optional<Long> init = SafetyCheck.initOf(pid);
        if (init.isEmpty()) {
            retry(boot, expected, deadline, "its init has not started sshd yet", pause);
            return;
        }
        if (!sshdListens(init.get())) {
            retry(boot, expected, deadline, "sshd is not listening yet", pause);
            return;
        }
        Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
        // Inside the boot's namespaces rather than over SSH: 100 hosts booting at once would otherwise
        // pay an ssh client and an sshd session each, on top of the tests' own connections.
        SafetyCheck.Outcome outcome = SafetyCheck.runInside(host, init.get(), expected, left.compareTo(CHECK) < 0 ? left : CHECK);
        if (!power.checked(boot, outcome)) {
            retry(boot, expected, deadline, String.join("; ", outcome.problems()), 50);
        }
    }

    private void retry(long boot, String expected, long deadline, String last, long delayMillis) {
        long next = Math.min(delayMillis * 3 / 2, MAX_LOOK_MILLIS);
        try {
            host.lab().executor().schedule(() -> step(boot, expected, deadline, last, next), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the lab is closing
        }
    }

    /** Runs the safety check again now (before the host is handed out); a {@link LabException} when it does not pass. */
    void recheck(Duration deadline) {
        String expected = power.upBootId("be handed out");
        long end = System.nanoTime() + deadline.toNanos();
        SafetyCheck.Outcome outcome = SafetyCheck.run(host, expected, deadline.compareTo(CHECK) < 0 ? deadline : CHECK);
        // A host just powered on may reset the first connections while its sshd starts: ask again, within the deadline.
        while (!outcome.passed() && !outcome.reachable() && end - System.nanoTime() > RETRY_PAUSE.toNanos()) {
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Duration left = Duration.ofNanos(end - System.nanoTime());
            outcome = SafetyCheck.run(host, expected, left.compareTo(CHECK) < 0 ? left : CHECK);
        }
        if (!outcome.passed()) {
            if (outcome.reachable()) {
                power.refuse(outcome.problems());
            }
            throw new LabException("Lab host [" + host.name() + "] did not pass the safety check before being handed out: "
                    + outcome.problems() + ".");
        }
    }

    /**
     * Whether the sshd of the boot whose init is {@code init} listens: OpenSSH's sshd writes its pid
     * file right after its sockets are bound and listening, and {@code /run} is the boot's own tmpfs.
     * Not read from {@code /proc/PID/net/tcp}, which walks the kernel's whole TCP hash table (over
     * a millisecond of CPU each time here), every 20 ms of every boot.
     */
    private static boolean sshdListens(long init) {
        return Files.exists(Path.of("/proc", Long.toString(init), "root", "run", "sshd.pid"));
    }
}
