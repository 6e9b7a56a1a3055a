package io.junitmultihost.ssh;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@code stat} says of a remote path.
 *
 * @param type the file type as stat names it, e.g. {@code regular file}, {@code directory}
 * @param size the size in bytes
 * @param mode the permission bits, e.g. {@code 0755} (octal)
 * @param uid the owner's user id
 * @param gid the owner's group id
 * @param modified the last modification time
 */
public record FileStat(String type, long size, int mode, int uid, int gid, Instant modified) {

    /** Validates the values. */
    public FileStat {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(modified, "modified");
    }

    /** Whether it is a directory. */
    public boolean isDirectory() {
        return type.equals("directory");
    }

    /** Whether it is a regular file (empty or not). */
    public boolean isRegularFile() {
        return type.startsWith("regular");
    }

    /** The format given to {@code stat -c} that {@link #parse} reads. */
    static final String STAT_FORMAT = "%F|%s|%a|%u|%g|%Y";

    /** Reads the output of {@code stat -c STAT_FORMAT}. */
    static FileStat parse(String line) {
        String[] fields = line.trim().split("\\|");
        if (fields.length != 6) {
            throw new SshException("Could not read the stat output [" + line + "]; expected 6 fields.");
        }
        return new FileStat(fields[0], Long.parseLong(fields[1]), Integer.parseInt(fields[2], 8),
                Integer.parseInt(fields[3]), Integer.parseInt(fields[4]), Instant.ofEpochSecond(Long.parseLong(fields[5])));
    }
}
