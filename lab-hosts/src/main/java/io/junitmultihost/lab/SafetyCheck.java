package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.file.Files;
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

    static final String SCRIPT = "echo \"hostname=$(cat /proc/sys/kernel/hostname)\"\n"
            + "echo \"boot_id=$(cat /proc/sys/kernel/random/boot_id)\"\n"
            + "echo \"pid1=$(tr '\\0' ' ' < /proc/1/cmdline)\"\n"
            + "echo \"pidns=$(readlink /proc/self/ns/pid)\"\n"
            // the options of the topmost mount on each, read without opening the file
            + "for p in " + String.join(" ", READ_ONLY) + "; do\n"
            + "  if [ -e \"$p\" ]; then o=$(grep \" $p \" /proc/self/mountinfo | tail -n 1 | cut -d' ' -f6); else o=absent; fi\n"
            + "  echo \"$p=${o:-none}\"\n"
            + "done\n"
            + "for c in " + String.join(" ", POWER_COMMANDS) + "; do\n"
            + "  p=$(command -v $c)\n"
            + "  if [ -n \"$p\" ] && grep -q " + SHIM_MARKER + " \"$p\"; then echo \"$c=shim\"; else echo \"$c=[$p]\"; fi\n"
            + "done\n";

    /** The outcome: ready (passed), not yet reachable, or refused with reasons. */
    record Outcome(boolean passed, boolean reachable, List<String> problems) {
    }

    private SafetyCheck() {
    }

    /** The PATH sshd gives root's sessions (OpenSSH's default for the superuser on Debian). */
    static final String SESSION_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Runs the check inside the namespaces of the boot whose {@code unshare} has {@code unsharePid}
     * (its child is the host's init), with the environment sshd gives root's sessions: no SSH
     * connection, so a boot costs the machine a few processes, not an ssh client and an sshd
     * session. The boot is checked over SSH again before the host is handed out ({@link #run}).
     */
    static Outcome runInside(LabHost host, long unsharePid, String expectedBootId, Duration deadline) {
        // The init starts sshd after all its mounts (shims, boot id): until then the boot is half made,
        // not refused. The init is the process of the boot whose child is sshd and that is not sshd.
        Optional<ProcessHandle> init = ProcessHandle.of(unsharePid).stream()
                .flatMap(u -> java.util.stream.Stream.concat(java.util.stream.Stream.of(u), u.descendants()))
                .filter(p -> !isSshd(p) && p.children().anyMatch(SafetyCheck::isSshd))
                .findFirst();
        if (init.isEmpty()) {
            return new Outcome(false, false, List.of("its init has not started sshd yet"));
        }
        Exec.Result result = Exec.run(deadline, List.of("nsenter", "-t", Long.toString(init.get().pid()), "-m", "-u",
                "-i", "-n", "-p", "--", "env", "-i", "PATH=" + SESSION_PATH, "HOME=/root", "/bin/sh", "-c", SCRIPT));
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

    private static boolean isSshd(ProcessHandle process) {
        return process.info().command().map(c -> c.endsWith("/sshd")).orElse(false);
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
