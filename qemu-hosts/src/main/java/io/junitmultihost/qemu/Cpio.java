package io.junitmultihost.qemu;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a directory tree as a cpio archive in the kernel's "newc" format, the initramfs format,
 * so that the project needs no cpio program. Files, directories and symbolic links, owned by root.
 */
final class Cpio {

    private static final int DIR = 0040000;
    private static final int FILE = 0100000;
    private static final int LINK = 0120000;

    private final OutputStream out;
    private long written;
    private int inode = 1;

    private Cpio(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes every entry under each of {@code roots} (paths relative to its root) to {@code archive};
     * a directory two roots have is written once, a file the first root has wins.
     */
    static void write(List<Path> roots, Path archive) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(archive), 1 << 16)) {
            Cpio cpio = new Cpio(out);
            Set<String> written = new HashSet<>();
            for (Path root : roots) {
                List<Path> paths;
                try (Stream<Path> walk = Files.walk(root)) {
                    paths = walk.filter(p -> !p.equals(root)).sorted().collect(Collectors.toList());
                }
                for (Path path : paths) {
                    String name = root.relativize(path).toString();
                    if (written.add(name)) {
                        cpio.entry(name, path);
                    }
                }
            }
            cpio.trailer();
        }
    }

    private void entry(String name, Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            byte[] target = Files.readSymbolicLink(path).toString().getBytes(StandardCharsets.UTF_8);
            header(name, LINK | 0777, target.length);
            data(target);
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            header(name, DIR | 0755, 0);
        } else {
            byte[] content = Files.readAllBytes(path);
            header(name, FILE | mode(path), content.length);
            data(content);
        }
    }

    private static int mode(Path path) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        int setUid = ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 04000;
        return setUid | (perms.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755
                : perms.contains(PosixFilePermission.GROUP_READ) ? 0644 : 0600);
    }

    private void trailer() throws IOException {
        header("TRAILER!!!", 0, 0);
    }

    private void header(String name, int mode, long size) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        long[] fields = {inode++, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, nameBytes.length + 1, 0};
        for (long field : fields) {
            h.append(String.format("%08x", field));
        }
        raw(h.toString().getBytes(StandardCharsets.US_ASCII));
        raw(nameBytes);
        raw(new byte[] {0});
        pad();
    }

    private void data(byte[] bytes) throws IOException {
        raw(bytes);
        pad();
    }

    private void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }
}
