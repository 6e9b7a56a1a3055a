package io.junitmultihost.engine.internal.diagnostics;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Collect;
import io.junitmultihost.api.Command;
import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.Constants;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one test's {@link Collect} annotations ask for, collected from its hosts at once into a
 * folder per test and host, before any teardown. Internal.
 */
public final class Artifacts {

    /** The key saying when artifacts are collected: {@code on-failure} (default), {@code always}, {@code never}. */
    public static final String WHEN = "multihost.artifacts.when";

    /** When artifacts are collected. */
    public enum When { ON_FAILURE, ALWAYS, NEVER }

    private static final Logger LOG = LoggerFactory.getLogger(Artifacts.class);
    private static final Duration EACH = Duration.ofSeconds(60);
    private static final Duration ALL = Duration.ofMinutes(3);
    private static final ExecutorService HOSTS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "multihost-artifacts");
        thread.setDaemon(true);
        return thread;
    });

    private final List<Collect> asked;
    private final Cluster cluster;
    private final When when;
    private final Path dir;
    private final Map<String, String> bootsAtStart = new ConcurrentHashMap<>();

    private Artifacts(List<Collect> asked, Cluster cluster, When when, Path dir) {
        this.asked = asked;
        this.cluster = cluster;
        this.when = when;
        this.dir = dir;
    }

    /**
     * The artifacts of test {@code method} of {@code testClass} (its class's {@link Collect} and its
     * own); empty when it asks for none or they are never collected.
     *
     * @param config the run's configuration, for {@value #WHEN} and {@code multihost.report.dir}
     * @throws ConfigurationException when {@value #WHEN} has a value it does not know
     */
    public static Optional<Artifacts> forTest(Class<?> testClass, Method method, Cluster cluster,
            Function<String, Optional<String>> config) {
        return forTest(testClass, List.of(method), method.getName(), cluster, config);
    }

    /**
     * The artifacts of distributed test {@code test} of {@code testClass}: its class's
     * {@link Collect} and those of each of its {@code parts}, into a folder named by the test.
     */
    public static Optional<Artifacts> forTest(Class<?> testClass, List<Method> parts, String test, Cluster cluster,
            Function<String, Optional<String>> config) {
        List<Collect> asked = new ArrayList<>(AnnotationSupport.findRepeatableAnnotations(testClass, Collect.class));
        parts.forEach(part -> asked.addAll(AnnotationSupport.findRepeatableAnnotations(part, Collect.class)));
        When when = when(config.apply(WHEN).orElse("on-failure"));
        if (asked.isEmpty() || when == When.NEVER) {
            return Optional.empty();
        }
        String report = config.apply(Constants.REPORT_DIR_PROPERTY_NAME).orElse(Constants.DEFAULT_REPORT_DIR).strip();
        Path root = Path.of(report.equalsIgnoreCase("none") ? Constants.DEFAULT_REPORT_DIR : report).toAbsolutePath();
        return Optional.of(new Artifacts(asked, cluster, when,
                root.resolve("artifacts").resolve(safe(testClass.getSimpleName())).resolve(safe(test))));
    }

    private static When when(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "on-failure" -> When.ON_FAILURE;
            case "always" -> When.ALWAYS;
            case "never" -> When.NEVER;
            default -> throw new ConfigurationException(WHEN + " is [" + text + "]; give on-failure, always or never.");
        };
    }

    /** Notes each host's boot id as the test starts, to tell afterwards which rebooted; a host that does not answer is noted as such. */
    public void started() {
        List<CompletableFuture<Void>> asks = hosts().stream().map(host -> CompletableFuture.runAsync(() -> {
            try {
                bootsAtStart.put(host.name(), host.bootId());
            } catch (RuntimeException e) {
                bootsAtStart.put(host.name(), "unknown");
            }
        }, HOSTS)).toList();
        asks.forEach(CompletableFuture::join);
    }

    /**
     * Collects from every host at once when the test {@code failed} (or always, as configured) and
     * returns the files written; never throws: what cannot be had is written down as a note.
     */
    public List<Path> collect(boolean failed) {
        if (!failed && when != When.ALWAYS) {
            return List.of();
        }
        List<CompletableFuture<List<Path>>> each = hosts().stream()
                .map(host -> CompletableFuture.supplyAsync(() -> collectFrom(host), HOSTS)).toList();
        List<Path> written = new ArrayList<>();
        long until = System.nanoTime() + ALL.toNanos();
        for (CompletableFuture<List<Path>> host : each) {
            try {
                written.addAll(host.get(Math.max(until - System.nanoTime(), 1), TimeUnit.NANOSECONDS));
            } catch (Exception e) {
                LOG.warn("Collecting artifacts did not finish within [{}]: {}", ALL, e.toString());
            }
        }
        LOG.info("Collected [{}] artifact files into [{}].", written.size(), dir);
        return written;
    }

    private List<Host> hosts() {
        Set<Host> hosts = new LinkedHashSet<>();
        for (Collect collect : asked) {
            if (collect.roles().length == 0) {
                hosts.addAll(cluster.hosts());
            }
            for (String role : collect.roles()) {
                hosts.addAll(cluster.role(role));
            }
        }
        return List.copyOf(hosts);
    }

    private List<Path> collectFrom(Host host) {
        Path hostDir = dir.resolve(safe(host.name()));
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(hostDir);
            int n = 0;
            for (Collect collect : asked) {
                if (collect.roles().length > 0 && !host.roles().stream().anyMatch(List.of(collect.roles())::contains)) {
                    continue;
                }
                for (String pattern : collect.files()) {
                    written.addAll(files(host, pattern, hostDir.resolve("files")));
                }
                for (String command : collect.commands()) {
                    ExecResult result = host.exec(Command.shell(command).withDeadline(EACH));
                    written.add(write(hostDir.resolve("commands").resolve(String.format("%02d-%s.txt", ++n,
                            safe(command))), result.stdout() + (result.stderr().isEmpty() ? ""
                            : "\n--- standard error ---\n" + result.stderr()) + "\n--- exit status " + result.exitCode()
                            + " ---\n"));
                }
            }
            String before = bootsAtStart.get(host.name());
            String now = host.bootId();
            if (before != null && !before.equals(now)) {
                ExecResult journal = host.exec(Command.shell("journalctl -b -1 --no-pager -n 2000 2>&1"
                        + " || echo 'This host keeps no journal of its previous boot.'").withDeadline(EACH));
                written.add(write(hostDir.resolve("previous-boot-journal.txt"), "The host rebooted during the test"
                        + " (boot id [" + before + "] then [" + now + "]).\n" + journal.stdout()));
            }
        } catch (RuntimeException | IOException e) {
            try {
                written.add(write(hostDir.resolve("NOT-COLLECTED.txt"), "Host [" + host.name()
                        + "] could not give (all) its artifacts: " + e + "\n"));
            } catch (IOException unwritable) {
                LOG.warn("Artifacts of host [{}] could not be written to [{}]: {}", host.name(), hostDir, unwritable.toString());
            }
        }
        return written;
    }

    /** The regular files {@code pattern} names on {@code host}, downloaded under {@code into} by their remote paths. */
    private static List<Path> files(Host host, String pattern, Path into) throws IOException {
        // the pattern is the test's own text, expanded by the host's shell as a glob
        ExecResult listed = host.exec(Command.shell("for f in " + pattern + "; do [ -f \"$f\" ] && printf '%s\\n' \"$f\";"
                + " done; true").withDeadline(EACH));
        List<Path> written = new ArrayList<>();
        for (String remote : listed.stdout().lines().filter(l -> !l.isBlank()).toList()) {
            Path local = into.resolve(safePath(remote));
            Files.createDirectories(local.getParent());
            host.download(remote, local, EACH);
            written.add(local);
        }
        if (written.isEmpty()) {
            written.add(write(into.resolve("NONE-FOUND-" + safe(pattern) + ".txt"), "No file matched [" + pattern + "].\n"));
        }
        return written;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** A file name made of {@code text}: letters, digits, {@code .-_} kept, the rest {@code _}, at most 80 characters. */
    static String safe(String text) {
        String name = text.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._]+", "");
        return name.isEmpty() ? "_" : name.length() > 80 ? name.substring(0, 80) : name;
    }

    /** A remote path as a relative local one, each part made {@link #safe}, so nothing lands outside the folder. */
    static Path safePath(String remote) {
        Path path = Path.of("");
        for (String part : remote.split("/")) {
            if (!part.isEmpty() && !part.equals(".") && !part.equals("..")) {
                path = path.resolve(safe(part));
            }
        }
        return path.toString().isEmpty() ? Path.of("_") : path;
    }
}
