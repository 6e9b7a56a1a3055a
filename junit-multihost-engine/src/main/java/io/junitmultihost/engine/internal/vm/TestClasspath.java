package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The test JVM's classpath as jars named by the SHA-256 of their content: directories (such as
 * {@code target/test-classes}) are packed into jars with fixed timestamps, and manifest-only jars
 * (Surefire's booter) are followed to the jars they name. A host gets each jar once, in
 * {@code ~/.junit-multihost/classpath/}: a second launch, a restart or a later run with unchanged
 * jars uploads nothing.
 */
final class TestClasspath {

    static final String REMOTE_DIR = ".junit-multihost/classpath";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private static volatile List<Path> cached;

    private TestClasspath() {
    }

    /** The content-named jars of this JVM's classpath, made once per run. */
    static List<Path> jars() {
        List<Path> jars = cached;
        if (jars == null) {
            synchronized (TestClasspath.class) {
                if (cached == null) {
                    cached = build();
                }
                jars = cached;
            }
        }
        return jars;
    }

    private static List<Path> build() {
        try {
            Path out = Files.createTempDirectory("junit-multihost-classpath");
            out.toFile().deleteOnExit();
            List<Path> jars = new ArrayList<>();
            for (Path entry : entries()) {
                Path jar = Files.isDirectory(entry) ? pack(entry, out) : entry;
                Path named = out.resolve(sha256(jar) + ".jar");
                if (!Files.exists(named)) {
                    Files.copy(jar, named);
                    named.toFile().deleteOnExit();
                }
                jars.add(named);
            }
            return List.copyOf(jars);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the test classpath for remote JVMs: " + e.getMessage(), e);
        }
    }

    /** The classpath's directories and jars, manifest Class-Path entries followed, in order, once each. */
    static List<Path> entries() throws IOException {
        Set<Path> all = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(Path.of(entry).toAbsolutePath().normalize(), all);
            }
        }
        return List.copyOf(all);
    }

    private static void add(Path entry, Set<Path> all) throws IOException {
        if (!Files.exists(entry) || !all.add(entry) || Files.isDirectory(entry)) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return;
            }
            for (String item : classPath.trim().split("\\s+")) {
                Path named = item.startsWith("file:") ? Path.of(URI.create(item)) : entry.getParent().resolve(item);
                add(named.toAbsolutePath().normalize(), all);
            }
        }
    }

    private static Path pack(Path dir, Path out) throws IOException {
        Path jar = Files.createTempFile(out, "dir", ".jar");
        jar.toFile().deleteOnExit();
        FileTime fixed = FileTime.fromMillis(0);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                ZipEntry entry = new ZipEntry(dir.relativize(file).toString().replace(File.separatorChar, '/'));
                entry.setLastModifiedTime(fixed);
                zip.putNextEntry(entry);
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
        return jar;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Uploads the jars {@code host} lacks and returns the remote classpath; {@code home} is the
     * host user's home directory. Returns how many were uploaded through {@code uploaded}.
     */
    static String ensureOn(Host host, String home, Duration deadline, int[] uploaded) {
        List<Path> jars = jars();
        String dir = home + "/" + REMOTE_DIR;
        Set<String> present = new LinkedHashSet<>(host.exec(Command.shell("mkdir -p \"$HOME/" + REMOTE_DIR
                + "\" && cd \"$HOME/" + REMOTE_DIR + "\" && ls").withDeadline(deadline)).assertSuccess().stdoutLines());
        int count = 0;
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            if (!present.contains(name)) {
                // A name of this upload's own: hosts that share the home (an NFS home, two inventory
                // entries for one machine) fill the cache at once, and mv of a full jar over another is harmless.
                String partial = dir + "/." + name + "." + Long.toHexString(RANDOM.nextLong()) + ".part";
                try {
                    host.upload(jar, partial, deadline);
                    host.exec(List.of("mv", "-f", partial, dir + "/" + name), deadline).assertSuccess();
                } catch (RuntimeException e) {
                    try {
                        host.exec(List.of("rm", "-f", partial), deadline);
                    } catch (RuntimeException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                    throw e;
                }
                count++;
            }
        }
        uploaded[0] = count;
        if (jars.isEmpty()) {
            throw new MultiHostException("The test JVM's classpath is empty; remote JVMs need its classes.");
        }
        return String.join(":", jars.stream().map(j -> dir + "/" + j.getFileName()).toList());
    }
}
