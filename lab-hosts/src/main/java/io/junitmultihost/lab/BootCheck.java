package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Watches one lab host's boots come up, on the lab's threads: until sshd listens (read from the
 * host's {@code /proc/net/tcp}, no program run) it looks again shortly; then the safety check runs
 * inside the boot's namespaces (no SSH connection; over SSH again before the host is handed out),
 * and the boot is up when it passes. No thread waits idle meanwhile. {@link HostPower}
 * owns the state; this only tells it what the checks found.
 */
final class BootCheck {

    /** How long one safety check over SSH may take. */
    private static final Duration CHECK = Duration.ofSeconds(15);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final LabHost host;
    private final HostPower power;

    BootCheck(LabHost host, HostPower power) {
        this.host = host;
        this.power = power;
    }

    /** Starts checking boot {@code boot} (boot id {@code expected}), failing it past {@code deadline} (nanoTime). */
    void start(long boot, String expected, long deadline) {
        host.lab().executor().execute(() -> step(boot, expected, deadline, "no answer yet"));
    }

    /** One step of checking a boot. */
    private void step(long boot, String expected, long deadline, String last) {
        long pid = power.booting(boot, deadline, last);
        if (pid < 0) {
            return;
        }
        if (!sshdListens(pid)) {
            retry(boot, expected, deadline, "sshd is not listening yet", 20);
            return;
        }
        Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
        // Inside the boot's namespaces rather than over SSH: 100 hosts booting at once would otherwise
        // pay an ssh client and an sshd session each, on top of the tests' own connections.
        SafetyCheck.Outcome outcome = SafetyCheck.runInside(host, pid, expected, left.compareTo(CHECK) < 0 ? left : CHECK);
        if (!power.checked(boot, outcome)) {
            retry(boot, expected, deadline, String.join("; ", outcome.problems()), 50);
        }
    }

    private void retry(long boot, String expected, long deadline, String last, long delayMillis) {
        try {
            host.lab().executor().schedule(() -> step(boot, expected, deadline, last), delayMillis, TimeUnit.MILLISECONDS);
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
}
