package io.junitmultihost.embedded;

import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One boot's own PID and mount namespaces, for an embedded host run as root: its commands
 * ({@link #enter}) see only the host's processes ({@code ps}, {@code /proc} with a {@code /proc}
 * of its own), and {@code kill -1}, {@code pkill} or {@code killall} reach only those, never this
 * machine's; {@code /proc/sysrq-trigger} and {@code /sys/power/state} are read-only there. Files,
 * network and users stay the machine's.
 *
 * <p>PID 1 is a small {@code /bin/sh} that reaps orphans and lives while its stdin, a pipe from
 * this JVM, is open: closing it ({@link #close}), or this JVM dying, ends the namespace, and the
 * kernel kills every process left in it.
 */
final class PidNamespace implements AutoCloseable {

    /**
     * PID 1: makes the files that act on the whole machine read-only in the host's mount namespace
     * (as the lab does), says {@code ready}, then keeps fd 3 (the pipe from the JVM) read by a
     * child, restarted if a command kills it, until end of file.
     */
    static final String INIT = "for p in /proc/sysrq-trigger /sys/power/state; do [ ! -e $p ] || { mount --bind $p $p"
            + " && mount -o remount,bind,ro $p; } || exit 20; done; echo ready; "
            + "exec 3<&0 0</dev/null >/dev/null; while :; do cat <&3 > /dev/null & wait $!; [ $? -ge 128 ] || exit 0; done";

    /**
     * Runs its arguments and exits with their status (128 + the signal's number when a signal ended
     * them). A group made outside the namespace has id 0 inside, so the command needs a {@code setsid}
     * of its own there, and then {@code nsenter} must not be its parent: it waits with WUNTRACED,
     * stops itself when its child stops and is never resumed by a CONT sent to the command's group
     * (nor could it be: it is outside). A non-interactive shell waits without seeing stops, and
     * runs a foreground command with its stdin and signals as they are.
     */
    static final String WAITER = "\"$@\"; exit $?";

    private static final Duration START = Duration.ofSeconds(10);
    private static final Duration STOP = Duration.ofSeconds(3);

    private final String host;
    private final Process unshare;
    private final long init;
    private final String nsenter = Platform.require("nsenter");
    private final String setsid = Platform.require("setsid");

    private PidNamespace(String host, Process unshare, long init) {
        this.host = host;
        this.unshare = unshare;
        this.init = init;
    }

    /** Whether hosts get namespaces of their own here: as root on Linux. */
    static boolean wanted() {
        return Platform.isRoot();
    }

    /**
     * Starts the namespaces of one boot of {@code host}.
     *
     * @throws HostUnavailableException when they do not come up within 10 s
     */
    static PidNamespace start(String host) {
        List<String> argv = List.of(Platform.require("unshare"), "--pid", "--fork", "--kill-child", "--mount-proc",
                "--propagation", "slave", "/bin/sh", "-c", INIT);
        Process unshare;
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().keySet().removeIf(name -> name.equals(HostProcesses.TAG_VARIABLE));
            unshare = builder.start();
        } catch (IOException e) {
            throw new HostUnavailableException("Embedded host [" + host + "] could not start its PID namespace with [" + argv.get(0) + "]: "
                    + e.getMessage() + ".", e);
        }
        long end = System.nanoTime() + START.toNanos();
        StringBuilder said = new StringBuilder();
        while (System.nanoTime() < end && unshare.isAlive()) {
            readAvailable(unshare, said);
            Optional<Long> init = unshare.children().map(ProcessHandle::pid).filter(PidNamespace::runsInit).findFirst();
            if (init.isPresent() && said.toString().equals("ready\n")) {
                return new PidNamespace(host, unshare, init.get());
            }
            sleep(5);
        }
        unshare.destroyForcibly();
        throw new HostUnavailableException("Embedded host [" + host + "] could not start its PID namespace within [" + HumanDuration.of(START)
                + "] (" + (unshare.isAlive() ? "still starting" : "[unshare] exited with [" + unshare.exitValue() + "]")
                + "). Embedded hosts run as root need util-linux's unshare and nsenter, and a kernel with PID namespaces.");
    }

    /**
     * What to put before a command so that it runs inside, in {@code dir}, leading a session and
     * process group of its own as the host sees it: {@code nsenter} into both namespaces, a shell
     * that waits for the command ({@link #WAITER}), then {@code setsid}.
     */
    List<String> enter(Path dir) {
        return List.of(nsenter, "--target", Long.toString(init), "--pid", "--mount", "--wd=" + dir, "--",
                "/bin/sh", "-c", WAITER, "sh", setsid);
    }

    /** Ends the namespaces: every process left in them dies. Waits a little for that; never throws. */
    @Override
    public void close() {
        try {
            unshare.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!unshare.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                unshare.destroyForcibly(); // --kill-child: its PID 1 gets SIGKILL, and the namespace ends with it
                unshare.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            unshare.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PidNamespace[" + host + ", init " + init + "]";
    }

    /** Appends what {@code process} wrote so far without blocking. */
    private static void readAvailable(Process process, StringBuilder to) {
        try {
            var out = process.getInputStream();
            while (out.available() > 0) {
                int b = out.read();
                if (b < 0) {
                    return;
                }
                to.append((char) b);
            }
        } catch (IOException e) {
            // ended: the caller sees it is not alive
        }
    }

    /** Whether {@code pid} has exec'd the init script (so its own /proc is mounted already). */
    private static boolean runsInit(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8).contains(INIT);
        } catch (IOException e) {
            return false;
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
