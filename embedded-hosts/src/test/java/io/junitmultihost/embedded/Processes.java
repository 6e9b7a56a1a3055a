package io.junitmultihost.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helpers for real local processes. */
final class Processes {

    private Processes() {
    }

    record Run(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code argv} with {@code env} added to this JVM's environment; fails after 20 s. */
    static Run run(List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        var out = process.getInputStream();
        var err = process.getErrorStream();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("[" + argv + "] did not finish within 20 s.");
        }
        return new Run(process.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8));
    }

    /**
     * What a host command appends to a pid it prints ({@code echo $!} + this) so that
     * {@link #machinePid} can find that process on this machine: its PID namespace, which as
     * root is the host boot's own.
     */
    static final String NAMESPACE = " $(readlink /proc/self/ns/pid)";

    /**
     * The pid on this machine of a live process a host command printed as {@code <pid> <pid namespace>}
     * (see {@link #NAMESPACE}): the same number outside namespaces, else the process whose
     * namespace is that one and whose pid there is that one.
     */
    static long machinePid(String printed) {
        String[] parts = printed.strip().split("\\s+");
        long pid = Long.parseLong(parts[0]);
        if (parts.length < 2 || parts[1].equals(namespaceOf("self"))) {
            return pid;
        }
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                    .filter(n -> parts[1].equals(namespaceOf(n)) && pidInItsNamespace(n) == pid)
                    .map(Long::parseLong).findFirst()
                    .orElseThrow(() -> new AssertionError("No process [" + pid + "] in PID namespace [" + parts[1] + "]."));
        } catch (IOException e) {
            throw new AssertionError("Could not list /proc.", e);
        }
    }

    private static String namespaceOf(String pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", pid, "ns", "pid")).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** The last NSpid field: the process's pid in its own PID namespace. */
    private static long pidInItsNamespace(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] fields = line.strip().split("\\s+");
                    return Long.parseLong(fields[fields.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return -1;
    }

    /** Whether {@code pid} is a live process (a zombie counts as dead). */
    static boolean running(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException e) {
                return !Files.isDirectory(Path.of("/proc/self")); // no procfs: trust isAlive
            }
        }
        return false;
    }
}
