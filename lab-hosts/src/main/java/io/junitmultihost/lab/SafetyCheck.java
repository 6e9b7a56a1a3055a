package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** Runs the check on {@code host} from inside its namespace. */
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
