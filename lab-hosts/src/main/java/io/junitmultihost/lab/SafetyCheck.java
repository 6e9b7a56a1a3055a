package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The check a lab host passes before it is handed out, run over SSH on the host itself: its PID 1
 * is the lab's init (so it is not this machine), and {@code reboot}, {@code shutdown},
 * {@code poweroff}, {@code halt} and {@code systemctl} all resolve to the lab's shim (so none of
 * them can reach this machine's power), and {@code /proc/sysrq-trigger} and {@code /sys/power/state}
 * are mounted read-only where the kernel has them (so {@code echo c > /proc/sysrq-trigger} cannot
 * crash this machine). Also checks the host's name and boot id.
 */
final class SafetyCheck {

    static final String INIT_MARKER = "junit-multihost-lab-init";
    static final String SHIM_MARKER = "junit-multihost-lab-reboot-shim";
    /** Files acting on the whole machine that the init mounts read-only on each host (where the kernel has them). */
    static final List<String> READ_ONLY = List.of("/proc/sysrq-trigger", "/sys/power/state");
    static final List<String> POWER_COMMANDS = List.of("reboot", "shutdown", "poweroff", "halt", "systemctl");

    /**
     * What the check reads, as a session on the host sees it; shell builtins where they do the job
     * (four programs in all: one boot of each of 100 hosts pays for each process it starts).
     */
    static final String SCRIPT = "read -r h < /proc/sys/kernel/hostname; echo \"hostname=$h\"\n"
            + "read -r b < /proc/sys/kernel/random/boot_id; echo \"boot_id=$b\"\n"
            + "echo \"pid1=$(tr '\\0' ' ' < /proc/1/cmdline)\"\n"
            + "echo \"pidns=$(readlink /proc/self/ns/pid)\"\n"
            // the options of the topmost mount on each (the last line whose mount point it is), read without opening the file
            + "m=$(grep -F" + READ_ONLY.stream().map(p -> " -e ' " + p + " '").collect(java.util.stream.Collectors.joining())
            + " /proc/self/mountinfo)\n"
            + "for p in " + String.join(" ", READ_ONLY) + "; do\n"
            + "  o=absent\n"
            + "  if [ -e \"$p\" ]; then o=; while read -r _ _ _ _ at opts _; do [ \"$at\" = \"$p\" ] && o=$opts; done <<EOF\n"
            + "$m\n"
            + "EOF\n"
            + "  fi\n"
            + "  echo \"$p=${o:-none}\"\n"
            + "done\n"
            // where each power command resolves, and which of those files hold the shim's marker: one grep for all
            + "set --\n"
            + "for c in " + String.join(" ", POWER_COMMANDS) + "; do set -- \"$@\" \"$(command -v $c)\"; done\n"
            + "s=$(grep -l -F -e " + SHIM_MARKER + " -- \"$@\" 2>/dev/null)\n"
            + "for c in " + String.join(" ", POWER_COMMANDS) + "; do\n"
            + "  p=$1; shift\n"
            + "  if [ -n \"$p\" ] && case \"\n$s\n\" in *\"\n$p\n\"*) true ;; *) false ;; esac; then echo \"$c=shim\"; else echo \"$c=[$p]\"; fi\n"
            + "done\n";

    /** The outcome: ready (passed), not yet reachable, or refused with reasons. */
    record Outcome(boolean passed, boolean reachable, List<String> problems) {
    }

    private SafetyCheck() {
    }

    /** The PATH sshd gives root's sessions (OpenSSH's default for the superuser on Debian). */
    static final String SESSION_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Runs the check inside the namespaces of the boot whose init is {@code initPid} (the machine's
     * pid of the host's PID 1, see {@link #initOf}), with the environment sshd gives root's sessions:
     * no SSH connection, so a boot costs the machine a few processes, not an ssh client and an sshd
     * session. The boot is checked over SSH again before the host is handed out ({@link #run}).
     */
    static Outcome runInside(LabHost host, long initPid, String expectedBootId, Duration deadline) {
        // The environment sshd gives root's sessions, set here rather than by an `env -i` in between.
        Exec.Result result = Exec.run(deadline, List.of("nice", "-n", Integer.toString(host.lab().options().bootNiceness()),
                "nsenter", "-t", Long.toString(initPid), "-m", "-u", "-i", "-n", "-p", "--", "/bin/sh", "-c", SCRIPT), null, Map.of("PATH", SESSION_PATH, "HOME", "/root"));
        Map<String, String> seen = parse(result.output());
        boolean complete = seen.keySet().containsAll(List.of("hostname", "boot_id", "pid1", "pidns"))
                && seen.keySet().containsAll(POWER_COMMANDS);
        if (!complete || result.exitCode() > 128) {
            // Cut short (the boot halting under it, as a reboot asked at once does): not an answer; look again.
            return new Outcome(false, false, List.of("the check did not finish inside it (exit [" + result.exitCode()
                    + "]): [" + result.output().strip() + "]"));
        }
        List<String> problems = verify(seen, host.name(), expectedBootId, machinePidNamespace());
        if (result.exitCode() != 0) {
            problems.add(0, "the check exited with [" + result.exitCode() + "]");
        }
        return new Outcome(problems.isEmpty(), true, problems);
    }

    /**
     * The init of the boot whose {@code unshare} has {@code unsharePid}, once it has started sshd:
     * the init starts sshd after all its mounts (shims, boot id), so until then the boot is half
     * made, not refused. The init is unshare's child whose child is sshd.
     */
    static Optional<Long> initOf(long unsharePid) {
        return children(unsharePid).stream().filter(p -> children(p).stream().anyMatch(SafetyCheck::isSshd)).findFirst();
    }

    private static boolean isSshd(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString().endsWith("/sshd");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The children of process {@code pid} (a single-threaded one: its main thread's), from the
     * kernel's list; not a walk of every process on the machine, which 100 booting hosts would
     * each pay for many times over.
     */
    static List<Long> children(long pid) {
        try {
            String list = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"));
            return list.isBlank() ? List.of() : java.util.Arrays.stream(list.strip().split("\\s+")).map(Long::valueOf).toList();
        } catch (NoSuchFileException e) {
            // gone, or a kernel without CONFIG_PROC_CHILDREN: ask the JDK, which walks /proc
            return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Runs the check on {@code host} over SSH, as a test's session sees it. */
    static Outcome run(LabHost host, String expectedBootId, Duration deadline) {
        Exec.Result result;
        try {
            result = OpenSshClient.run(host.namespace(), host.address(), host.lab().clientKey(), host.dir().knownHosts(), SCRIPT, deadline);
        } catch (LabException e) {
            return new Outcome(false, false, List.of(e.getMessage()));
        }
        if (result.exitCode() == OpenSshClient.SSH_FAILED) {
            return new Outcome(false, false, List.of(result.output().strip()));
        }
        List<String> problems = verify(parse(result.output()), host.name(), expectedBootId, machinePidNamespace());
        if (result.exitCode() != 0) {
            problems.add(0, "the check exited with [" + result.exitCode() + "]");
        }
        return new Outcome(problems.isEmpty(), true, problems);
    }

    /** What is wrong with the values a host reported; empty when it may be handed out. */
    static List<String> verify(Map<String, String> seen, String name, String bootId, String machinePidNs) {
        List<String> problems = new ArrayList<>();
        String pid1 = seen.getOrDefault("pid1", "");
        if (!pid1.contains(INIT_MARKER)) {
            problems.add("PID 1 is [" + pid1.strip() + "], not the lab's init");
        }
        String pidNs = seen.getOrDefault("pidns", "");
        if (pidNs.isEmpty() || pidNs.equals(machinePidNs)) {
            problems.add("its PID namespace [" + pidNs + "] is not its own (this machine's is [" + machinePidNs + "])");
        }
        for (String command : POWER_COMMANDS) {
            String where = seen.getOrDefault(command, "[]");
            if (!where.equals("shim")) {
                problems.add("[" + command + "] resolves to " + where + ", not the lab's shim");
            }
        }
        for (String path : READ_ONLY) {
            String options = seen.getOrDefault(path, "");
            if (!options.equals("absent") && !options.matches("ro(,.*)?")) {
                problems.add("[" + path + "] is not mounted read-only (options [" + options + "]), so a write to it would reach this"
                        + " machine's kernel");
            }
        }
        if (!name.equals(seen.get("hostname"))) {
            problems.add("its hostname is [" + seen.get("hostname") + "], not [" + name + "]");
        }
        if (bootId != null && !bootId.equals(seen.get("boot_id"))) {
            problems.add("its boot id is [" + seen.get("boot_id") + "], not [" + bootId + "]");
        }
        return problems;
    }

    static Map<String, String> parse(String output) {
        Map<String, String> values = new LinkedHashMap<>();
        output.lines().forEach(line -> {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        });
        return values;
    }

    /** This machine's PID namespace, as {@code pid:[4026531836]}. */
    static String machinePidNamespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        } catch (IOException e) {
            throw new LabException("Could not read this machine's PID namespace from [/proc/self/ns/pid].", e);
        }
    }
}
