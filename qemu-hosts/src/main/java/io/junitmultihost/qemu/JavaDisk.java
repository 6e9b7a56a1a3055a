package io.junitmultihost.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The controller's Java on a read-only disk for the guests (multihost.qemu.share-java): the JDK
 * of {@code java.home}, with the files it links to outside itself (Debian's {@code /etc/java-*})
 * copied in, and the shared libraries its programs and libraries load (libstdc++, libz, ...) at
 * their paths on this machine. The guest mounts it and puts the JDK at the same path, so
 * {@code System.getProperty("java.home") + "/bin/java"} runs there as here. A disk rather than a
 * 9p share: Debian's cloud kernels are built without 9p ({@code CONFIG_NET_9P} is not set).
 *
 * <p>Layout: the JDK under its own path, the libraries under theirs, and two lists the guest's
 * {@code /etc/rc} reads: {@code multihost/java-home} and {@code multihost/libraries}.
 */
final class JavaDisk {

    private static final Duration STEP = Duration.ofMinutes(3);
    private static final Pattern LIBRARY = Pattern.compile("(?m)(?:=>\\s*|^\\s*)(/\\S+)\\s+\\(");
    /** jlink's input and the sources: nothing a test runs needs them, and they are large. */
    private static final Set<String> LEFT_OUT = Set.of("jmods", "src.zip", "demo", "man");

    private JavaDisk() {
    }

    /** Makes {@code image} from the JDK at {@code javaHome}, staging it in {@code work} (removed afterwards). */
    static Path create(Path javaHome, Path work, Path image) {
        Path home;
        try {
            home = javaHome.toRealPath();
        } catch (IOException e) {
            throw new QemuException("The controller's Java [" + javaHome + "] cannot be shared into QEMU guests: [" + e.getMessage()
                    + "]. Set " + QemuHostProviderFactory.SHARE_JAVA + "=false to boot guests without Java.", e);
        }
        if (!Files.isExecutable(home.resolve("bin/java"))) {
            throw new QemuException("The controller's Java [" + home + "] has no bin/java to share into QEMU guests. Set "
                    + QemuHostProviderFactory.SHARE_JAVA + "=false to boot guests without Java.");
        }
        try {
            Path root = Files.createDirectories(work);
            Path jdk = root.resolve(home.toString().substring(1));
            copyDereferenced(home, jdk);
            Set<Path> libraries = libraries(home);
            for (Path library : libraries) {
                Path target = root.resolve(library.toString().substring(1));
                Files.createDirectories(target.getParent());
                Files.copy(library.toRealPath(), target, StandardCopyOption.REPLACE_EXISTING);
            }
            Path lists = Files.createDirectories(root.resolve("multihost"));
            GuestImage.write(lists.resolve("java-home"), home + "\n", false);
            StringBuilder names = new StringBuilder();
            libraries.forEach(l -> names.append(l).append('\n'));
            GuestImage.write(lists.resolve("libraries"), names.toString(), false);
            long mib = size(root) / (1024 * 1024);
            // ext4's own structures and a margin: a tenth more, and 32 MiB.
            String size = (mib + mib / 10 + 32) + "M";
            Exec.run(STEP, List.of("mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-L", "java", "-d", root.toString(), image.toString(), size))
                    .orThrow("Making the Java disk [" + image + "] for QEMU guests");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy the controller's Java [" + home + "] for QEMU guests into [" + work + "]", e);
        } finally {
            Kernels.delete(work);
        }
    }

    /** Copies {@code from} to {@code to}, following links (the JDK's into /etc become files); dangling links are left out. */
    private static void copyDereferenced(Path from, Path to) throws IOException {
        Files.walkFileTree(from, Set.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && LEFT_OUT.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && !LEFT_OUT.contains(file.getFileName().toString())) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // A link to nothing (Debian's src.zip without the source package): not there here either.
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The shared libraries outside the JDK that its programs and libraries load, as ldd lists them. */
    private static Set<Path> libraries(Path home) throws IOException {
        List<Path> elves = new ArrayList<>();
        for (String dir : List.of("bin", "lib")) {
            try (Stream<Path> walk = Files.walk(home.resolve(dir))) {
                walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && isElf(p)).forEach(elves::add);
            }
        }
        Set<Path> found = new LinkedHashSet<>();
        for (Path elf : elves) {
            // Not every ELF file is dynamically linked; ldd says so with a non-zero exit, and lists nothing.
            Matcher m = LIBRARY.matcher(Exec.run(STEP, List.of("ldd", elf.toString())).output());
            while (m.find()) {
                Path library = Path.of(m.group(1)).normalize();
                if (!library.startsWith(home)) {
                    found.add(library);
                }
            }
        }
        return found;
    }

    private static boolean isElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    private static long size(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
