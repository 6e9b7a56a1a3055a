package io.junitmultihost.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The local side of a download, which trusts nothing the host sends: names must be single path
 * elements, every path stays under the target, files are written to a temporary file beside them
 * and renamed into place (a failed download leaves the old file), the caller's existing directories
 * keep their permissions, and remote permission bits lose world-write (setuid, setgid and sticky
 * bits cannot be set through this API at all).
 */
final class DownloadTarget {

    /** What a download may keep of a remote mode: rwxrwxr-x at most. */
    static final int MODE_MASK = 0775;

    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private final Path root;
    private final String host;

    DownloadTarget(Path local, String host) {
        this.root = local.toAbsolutePath().normalize();
        this.host = host;
    }

    Path root() {
        return root;
    }

    /** Writes the body of one file. */
    interface Body {
        void writeTo(OutputStream out) throws Exception;
    }

    /**
     * The local path for the entry {@code name} that the host listed in {@code remoteDir}, under
     * {@code dir}; or empty for {@code .} and {@code ..}. A name with {@code /} or NUL fails.
     */
    java.util.Optional<Path> child(Path dir, String name, String remoteDir) {
        if (name.equals(".") || name.equals("..")) {
            return java.util.Optional.empty();
        }
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new SshException("Host [" + host + "] listed an entry named [" + printable(name) + "] in ["
                    + remoteDir + "]: a name that is empty or holds a '/' or a NUL is no file name. The download"
                    + " stopped; nothing was written outside [" + root + "]. Check what made that entry on the host.");
        }
        return java.util.Optional.of(under(dir.resolve(name), remoteDir + "/" + name));
    }

    /** {@code path} itself, if it lies under the target; fails otherwise. */
    Path under(Path path, String remote) {
        Path normal = path.toAbsolutePath().normalize();
        if (!normal.startsWith(root)) {
            throw new SshException("Remote [" + remote + "] on host [" + host + "] would be written to [" + normal
                    + "], outside the target [" + root + "]. The download stopped.");
        }
        return normal;
    }

    /**
     * Makes {@code dir} if it is missing; returns whether this download made it (only then may it
     * take the remote permission bits). An existing symbolic link below the target is not written through.
     */
    boolean makeDirectory(Path dir) throws IOException {
        // The target itself may be the caller's link; below it, the host's names never go through one.
        if (!dir.equals(root) && Files.isSymbolicLink(dir)) {
            throw new SshException("Local [" + dir + "] is a symbolic link; a download from host [" + host
                    + "] does not write through links. Remove it or download elsewhere.");
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path parent = dir.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent);
        }
        Files.createDirectory(dir);
        return true;
    }

    /** Gives a directory this download made the remote bits, masked; the caller's own keep theirs. */
    void finishDirectory(Path dir, boolean made, int remoteMode) throws IOException {
        if (made) {
            setMode(dir, remoteMode & MODE_MASK);
        }
    }

    /**
     * Writes {@code file} through a temporary file in the same directory, renamed over it once the
     * body is complete: until then (and if the body fails) the old file stays as it was.
     */
    void writeFile(Path file, int remoteMode, Body body) throws Exception {
        try (Pending pending = begin(file)) {
            body.writeTo(pending.out());
            pending.commit(remoteMode);
        }
    }

    /** Starts writing {@code file} (already checked to lie under the target) through a temporary file beside it. */
    Pending begin(Path file) throws IOException {
        Path parent = file.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent);
        }
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new SshException("Local [" + file + "] is a directory; a file from host [" + host
                    + "] cannot replace it. Remove it or download elsewhere.");
        }
        Path temporary = Files.createTempFile(parent == null ? Path.of(".") : parent, ".jmh-download-", ".part");
        return new Pending(file, temporary, Files.newOutputStream(temporary));
    }

    /** A file being written: {@link #commit} renames it into place; closing it uncommitted removes it. */
    static final class Pending implements AutoCloseable {
        private final Path file;
        private final Path temporary;
        private final OutputStream out;
        private boolean committed;

        private Pending(Path file, Path temporary, OutputStream out) {
            this.file = file;
            this.temporary = temporary;
            this.out = out;
        }

        OutputStream out() {
            return out;
        }

        void commit(int remoteMode) throws IOException {
            out.close();
            setMode(temporary, remoteMode & MODE_MASK);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                out.close();
                Files.deleteIfExists(temporary);
            }
        }
    }

    static void setMode(Path path, int mode) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        try {
            Files.setPosixFilePermissions(path, permissions);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the bits cannot be kept
        }
    }

    static int mode(Path path) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            int mode = 0;
            for (int bit = 0; bit < BITS.length; bit++) {
                if (permissions.contains(BITS[bit])) {
                    mode |= 1 << bit;
                }
            }
            return mode;
        } catch (UnsupportedOperationException e) {
            return Files.isDirectory(path) ? 0755 : 0644;
        }
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (c == '\0') {
                out.append("\\0");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.length() > 200 ? out.substring(0, 200) + "..." : out.toString();
    }
}
