package io.junitmultihost.embedded;

import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes one boot of a host started, so that a closed channel ends its command's process
 * tree and a reboot ends them all.
 *
 * <p>Each command runs in its own session and process group ({@code setsid}; in a PID namespace
 * again inside it, {@link PidNamespace#enter}, which is the group signals go to) and carries a tag
 * in its environment, {@code MULTIHOST_EMBEDDED_TAG=<boot tag>:<command number>}, which its
 * descendants inherit. Where Linux's {@code /proc} is readable, ending a command kills its
 * process group while its leader lives (so the group id is surely ours) plus every process with
 * its tag, and a reboot kills every process with the boot's tag: daemons that left the group
 * are found too. Elsewhere only the live descendants of each command's shell are found.
 */
final class HostProcesses {

    /** The environment variable that marks a host's processes. */
    static final String TAG_VARIABLE = "MULTIHOST_EMBEDDED_TAG";

    private static final Logger LOG = LoggerFactory.getLogger(HostProcesses.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(3);

    private final String host;
    private final String bootTag = UUID.randomUUID().toString();
    private final AtomicLong commands = new AtomicLong();
    private final Set<Process> leaders = new HashSet<>();
    private final PidNamespace namespace;
    private boolean over;

    private HostProcesses(String host, PidNamespace namespace) {
        this.host = host;
        this.namespace = namespace;
    }

    /** The processes of a new boot of {@code host}: in PID namespaces of their own where {@link PidNamespace#wanted()}. */
    static HostProcesses forBoot(String host) {
        return new HostProcesses(host, PidNamespace.wanted() ? PidNamespace.start(host) : null);
    }

    /** What to put before a command so that it runs among this boot's processes, in {@code dir}: empty without a namespace. */
    List<String> enter(java.nio.file.Path dir) {
        return namespace == null ? List.of() : namespace.enter(dir);
    }

    /** A new tag for one command of this boot. */
    String newTag() {
        return bootTag + ":" + commands.incrementAndGet();
    }

    /**
     * Records a started command's shell. When this boot is already over (the host went down while
     * the command was starting) the command is killed at once and {@code false} returned.
     */
    boolean register(Process leader, String tag) {
        synchronized (this) {
            if (!over) {
                leaders.removeIf(p -> !p.isAlive());
                leaders.add(leader);
                return true;
            }
        }
        killCommand(leader, tag);
        return false;
    }

    /** Kills the process tree of one command: its process group, its tagged processes, its descendants. */
    void killCommand(Process leader, String tag) {
        synchronized (this) {
            if (over && !leader.isAlive()) {
                return; // the boot's end already killed everything it had
            }
        }
        Set<Long> groups = leader.isAlive() && Platform.commandsGetOwnGroup() ? Set.of(leader.pid()) : Set.of();
        leader.descendants().forEach(ProcessHandle::destroyForcibly);
        leader.destroyForcibly();
        if (Platform.hasProcfs()) {
            sweep(tag::equals, groups);
        }
        synchronized (this) {
            leaders.remove(leader);
        }
    }

    /**
     * Sends {@code signal} (a name such as {@code TERM} or {@code INT}) to a command's process
     * group, or to its shell alone where commands get no group of their own.
     */
    void signal(Process leader, String signal) {
        if (!leader.isAlive() || !signal.matches("[A-Z0-9]+")) {
            return;
        }
        String target = Platform.commandsGetOwnGroup() ? "-" + commandGroup(leader) : Long.toString(leader.pid());
        try {
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- " + target)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (java.io.IOException e) {
            LOG.warn("Embedded host [{}] could not send signal [{}] to process [{}].", host, signal, leader.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The process group of the command {@code leader} started: its own, or in a PID namespace the
     * one its shell leads there, two processes below ({@link PidNamespace#enter}); the leader's own
     * while that shell is not started yet.
     */
    private long commandGroup(Process leader) {
        if (namespace == null) {
            return leader.pid();
        }
        return leader.children().flatMap(ProcessHandle::children).map(ProcessHandle::pid)
                .filter(pid -> ProcTable.group(pid) == pid).findFirst().orElse(leader.pid());
    }

    /** Ends this boot: kills every process it started and refuses new ones; waits a little for them to die. */
    void killAll() {
        Set<Process> alive;
        synchronized (this) {
            over = true;
            alive = new HashSet<>(leaders);
            leaders.clear();
        }
        if (namespace != null) {
            namespace.close(); // the kernel kills everything in it at once
        }
        Set<Long> groups = new HashSet<>();
        for (Process leader : alive) {
            if (leader.isAlive() && Platform.commandsGetOwnGroup()) {
                groups.add(leader.pid());
            }
            leader.descendants().forEach(ProcessHandle::destroyForcibly);
            leader.destroyForcibly();
        }
        if (Platform.hasProcfs()) {
            String prefix = bootTag + ":";
            sweep(value -> value.startsWith(prefix), groups);
        } else {
            waitForExit(alive);
        }
    }

    /** Kills what matches until a pass finds nothing alive (a process may fork while we look), within a bound. */
    private void sweep(Predicate<String> tag, Set<Long> groups) {
        long end = System.nanoTime() + KILL_WAIT.toNanos();
        while (true) {
            List<Long> found = ProcTable.find(TAG_VARIABLE, tag, groups);
            if (found.isEmpty()) {
                return;
            }
            if (System.nanoTime() > end) {
                LOG.warn("Embedded host [{}] could not kill processes {} within [{}]; they may outlive it.", host, found, HumanDuration.of(KILL_WAIT));
                return;
            }
            found.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            sleep(5);
        }
    }

    private void waitForExit(Set<Process> processes) {
        long end = System.nanoTime() + KILL_WAIT.toNanos();
        for (Process p : processes) {
            while (p.isAlive() && System.nanoTime() < end) {
                sleep(5);
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
