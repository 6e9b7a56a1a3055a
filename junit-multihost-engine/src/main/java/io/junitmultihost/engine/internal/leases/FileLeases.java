package io.junitmultihost.engine.internal.leases;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.Constants;
import io.junitmultihost.spi.HostSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases on one machine: an operating-system lock ({@link FileChannel#tryLock()}) on one file per
 * host in a directory of the user's, which the kernel releases when the JVM dies, however it dies.
 * The file says who holds it. Files stay when given back: deleting one while another process
 * waits to lock it would let two processes lock two different files of one name. Internal.
 */
final class FileLeases implements LeaseStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileLeases.class);

    /**
     * Every lock this JVM holds, by file, whichever store took it: a second channel on a file this
     * JVM has locked would make {@code tryLock} throw, and closing it could drop the lock on some
     * systems (see {@link FileLock}), so a file locked here is never opened again until given back.
     */
    private static final Map<Path, FileLock> HELD = new HashMap<>();

    private final Path directory;
    /** The hosts this store took and has not given back, by lock file. */
    private final Map<Path, HostSpec> mine = new HashMap<>();

    private FileLeases(Path directory) {
        this.directory = directory;
    }

    /**
     * The user's lease directory: {@code junit-multihost-<user>/leases} in {@code java.io.tmpdir},
     * made only the user's, and refused when someone else owns it (they could hold or free the
     * user's leases).
     */
    static FileLeases forUser() {
        return forUser(Path.of(System.getProperty("java.io.tmpdir")), System.getProperty("user.name", "user"));
    }

    static FileLeases forUser(Path temp, String user) {
        Path mine = temp.resolve("junit-multihost-" + HostIdentity.name(user));
        makeDirectory(mine, true);
        try {
            UserPrincipal owner = Files.getOwner(mine);
            if (!owner.getName().equals(user)) {
                throw new ConfigurationException("The lease directory [" + mine + "] belongs to [" + owner.getName()
                        + "], not to you [" + user + "], so it could hold or free your hosts. Remove it, or set ["
                        + Constants.LEASES_DIRECTORY_PROPERTY_NAME + "] to a directory of yours.");
            }
        } catch (UnsupportedOperationException | IOException e) {
            // A file system without owners: nothing to check.
        }
        return in(mine.resolve("leases").toAbsolutePath().normalize());
    }

    /** Leases in {@code directory}, made when missing (a directory a team shares must let them write). */
    static FileLeases in(Path directory) {
        makeDirectory(directory, false);
        if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
            throw new ConfigurationException("The lease directory [" + directory + "] is not a directory this user can write to."
                    + " Set [" + Constants.LEASES_DIRECTORY_PROPERTY_NAME + "] to one.");
        }
        return new FileLeases(directory);
    }

    private static void makeDirectory(Path directory, boolean private_) {
        try {
            if (private_ && supportsPosix(directory)) {
                FileAttribute<?> onlyMine = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
                Files.createDirectories(directory.getParent());
                try {
                    Files.createDirectory(directory, onlyMine);
                } catch (FileAlreadyExistsException e) {
                    // made earlier (by us, or by someone the owner check refuses)
                }
            } else {
                Files.createDirectories(directory);
            }
        } catch (IOException e) {
            throw new ConfigurationException("Cannot make the lease directory [" + directory + "]: " + e
                    + ". Set [" + Constants.LEASES_DIRECTORY_PROPERTY_NAME + "] to a directory this user can write to.", e);
        }
    }

    private static boolean supportsPosix(Path directory) {
        Path existing = directory.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The directory of the lock files. */
    Path directory() {
        return directory;
    }

    @Override
    public Optional<String> take(HostSpec host, String owner) {
        Path file = fileOf(host);
        synchronized (HELD) {
            if (HELD.containsKey(file)) {
                return Optional.of("this JVM (another launcher session): " + read(file));
            }
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE));
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    String who = read(file);
                    channel.close();
                    return Optional.of(who);
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((Holder.of(owner) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                HELD.put(file, lock);
                mine.put(file, host);
                return Optional.empty();
            } catch (IOException e) {
                closeQuietly(channel);
                throw new ConfigurationException("Cannot lock [" + file + "] to lease host [" + HostIdentity.of(host) + "]: "
                        + e + ". Set [" + Constants.LEASES_DIRECTORY_PROPERTY_NAME + "] to a directory this user can write to.", e);
            }
        }
    }

    @Override
    public Optional<String> give(HostSpec host) {
        Path file = fileOf(host);
        synchronized (HELD) {
            FileLock lock = mine.remove(file) == null ? null : HELD.remove(file);
            if (lock != null) {
                try {
                    lock.channel().truncate(0);
                } catch (IOException e) {
                    // the holder line stays; the lock is what counts
                }
                // Closing the channel releases the lock.
                closeQuietly(lock.channel());
            }
        }
        return Optional.empty();
    }

    private Path fileOf(HostSpec host) {
        return directory.resolve(HostIdentity.name(HostIdentity.of(host)) + ".lock");
    }

    /** Who holds a lock file, as its holder wrote it; reading does not need the lock. */
    private static String read(Path file) {
        try {
            String who = Files.readString(file, StandardCharsets.UTF_8).strip();
            return who.isEmpty() ? "another process (it has not written its name yet)" : who;
        } catch (IOException e) {
            return "another process";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing a lease file failed: {}", e.toString());
            }
        }
    }

    @Override
    public String describe() {
        return "lock files in [" + directory + "]";
    }

    /** Gives back what is still held (the kernel would only when the JVM ends, which an IDE's may not soon). */
    @Override
    public void close() {
        List<HostSpec> left;
        synchronized (HELD) {
            left = List.copyOf(mine.values());
        }
        left.forEach(this::give);
    }
}
