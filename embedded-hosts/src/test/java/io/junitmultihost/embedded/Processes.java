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

    /** Whether this test run must not skip for lack of a real environment ({@link MustNotSkip}). */
    static boolean onCi() {
        return MustNotSkip.reason().isPresent();
    }
}
