package io.junitmultihost.benchmarks;

import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabOptions;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.SshTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the SSH benchmarks share: a lab of real OpenSSH hosts, OpenSSH's own client as the peer
 * (run with its defaults apart from keys and known hosts), timing, and the JSON line.
 */
final class SshBenchSupport {

    private SshBenchSupport() {
    }

    /** {@code key=value} arguments. */
    static Map<String, String> args(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                map.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        return map;
    }

    static int intArg(Map<String, String> args, String name, int fallback) {
        return args.containsKey(name) ? Integer.parseInt(args.get(name)) : fallback;
    }

    /** A lab of {@code hosts} hosts; {@code subnet=...} picks a subnet other than the lab's default. */
    static Lab startLab(int hosts, Map<String, String> args) {
        LabOptions.Builder options = LabOptions.builder().hosts(hosts).maxHosts(Math.max(hosts, 1))
                .bootTimeout(Duration.ofSeconds(180));
        if (args.containsKey("subnet")) {
            options.subnet(args.get("subnet"));
        }
        long started = System.nanoTime();
        Lab lab = Lab.start(options.build());
        log("lab of %d host(s) up in %d ms", hosts, (System.nanoTime() - started) / 1_000_000);
        return lab;
    }

    static SshTarget target(HostSpec spec) {
        SshTarget.Builder builder = SshTarget.builder(spec.name(), spec.address()).port(spec.port()).user(spec.user())
                .knownHosts(spec.knownHosts()).strictHostKeyChecking(spec.strictHostKeyChecking());
        spec.identityFile().ifPresent(builder::identityFile);
        return builder.build();
    }

    /** A known_hosts file holding every host's lines. */
    static Path knownHostsFile(Path dir, List<HostSpec> specs) throws IOException {
        List<String> lines = new ArrayList<>();
        specs.forEach(spec -> lines.addAll(spec.knownHosts()));
        return Files.write(dir.resolve("known_hosts"), lines);
    }

    /** OpenSSH's client, its defaults kept, but no user config, our key and known hosts, never a prompt. */
    static List<String> ssh(HostSpec spec, Path knownHosts, String... options) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/ssh", "-F", "/dev/null", "-T",
                "-i", spec.identityFile().orElseThrow().toString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-p", Integer.toString(spec.port())));
        argv.addAll(Arrays.asList(options));
        return argv;
    }

    /** The same options as one shell string, for xargs. */
    static String sshLine(HostSpec spec, Path knownHosts, String... options) {
        StringBuilder line = new StringBuilder();
        for (String word : ssh(spec, knownHosts, options)) {
            line.append(io.junitmultihost.ssh.ShellQuote.quote(word)).append(' ');
        }
        return line.toString().trim();
    }

    /** Runs a local command to completion; its duration in nanoseconds. Fails on a non-zero exit. */
    static long run(List<String> argv, Duration timeout) {
        long started = System.nanoTime();
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + timeout);
            }
            long took = System.nanoTime() - started;
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed with [" + process.exitValue() + "]: "
                        + new String(output, StandardCharsets.UTF_8));
            }
            return took;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a local command, ignoring its failure (for cleanup). */
    static void runQuietly(List<String> argv, Duration timeout) {
        try {
            run(argv, timeout);
        } catch (IllegalStateException e) {
            log("cleanup step failed (ignored): %s", e.getMessage());
        }
    }

    static long shell(String script, Duration timeout) {
        return run(List.of("/bin/sh", "-c", script), timeout);
    }

    /** The median in ms; NaN (null in the JSON) for no samples. */
    static double median(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(Long::compare);
        int n = sorted.size();
        double mid = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return mid / 1e6;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** The machine's 1-minute load average, so a reader can tell a quiet run from a noisy one (-1 if unknown). */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, format + "%n", args);
    }

    /** One JSON object on one line, numbers as numbers. */
    static String json(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((key, value) -> {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append('"').append(key).append("\": ");
            if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
                out.append("null");
            } else if (value instanceof Number) {
                out.append(value);
            } else {
                out.append('"').append(String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        });
        return out.append('}').toString();
    }

    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // scratch files only
        }
    }
}
