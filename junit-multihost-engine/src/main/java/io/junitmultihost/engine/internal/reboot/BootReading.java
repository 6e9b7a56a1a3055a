package io.junitmultihost.engine.internal.reboot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one read of a boot gave: its boot id, kernel release (uname(2)'s release field, from
 * {@code /proc/sys/kernel/osrelease}) and kernel command line. Only a well-formed UUID from a
 * command that succeeded is a boot id: an error message never is (Ansible took one for a boot id).
 *
 * @param bootId the boot id, lower case
 * @param release the kernel release
 * @param cmdline the kernel command line
 */
record BootReading(String bootId, String release, String cmdline) {

    static final String BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id";

    /**
     * One shell command printing the three, each on its own labelled line; no parsing of
     * {@code uname -a}. The shell reads the files itself: no process per file, which on a machine
     * whose cores are busy with other hosts' boots is a fork and an exec fewer each to wait for
     * (a read costs the host about 2 ms of CPU rather than 7). {@code MULTIHOST_BOOT_ID_FILE} and
     * {@code MULTIHOST_CMDLINE_FILE} name where hosts that simulate a boot keep the two files
     * (embedded hosts: their {@code cat} shims map the paths, a redirection cannot be mapped).
     */
    static final String SCRIPT = "read -r b < \"${MULTIHOST_BOOT_ID_FILE:-" + BOOT_ID_PATH + "}\" || exit 97; "
            + "{ read -r r < /proc/sys/kernel/osrelease; } 2>/dev/null || r=$(uname -r) || exit 98; "
            + "{ read -r c || [ -n \"$c\" ]; } < \"${MULTIHOST_CMDLINE_FILE:-/proc/cmdline}\" || exit 99; "
            + "printf 'boot_id=%s\\nrelease=%s\\ncmdline=%s\\n' \"$b\" \"$r\" \"$c\"";

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** The reading in a run of {@link #SCRIPT}, when it exited 0 with a UUID as the boot id. */
    static Optional<BootReading> parse(int exitCode, byte[] stdout) {
        if (exitCode != 0) {
            return Optional.empty();
        }
        String bootId = null;
        String release = "";
        String cmdline = "";
        for (String line : new String(stdout, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("boot_id=")) {
                bootId = line.substring("boot_id=".length()).strip();
            } else if (line.startsWith("release=")) {
                release = line.substring("release=".length()).strip();
            } else if (line.startsWith("cmdline=")) {
                cmdline = line.substring("cmdline=".length()).strip();
            }
        }
        return bootId != null && isUuid(bootId)
                ? Optional.of(new BootReading(bootId.toLowerCase(Locale.ROOT), release, cmdline)) : Optional.empty();
    }

    static boolean isUuid(String text) {
        return UUID.matcher(text).matches();
    }

    /** Whether {@code token} is one of the command line's words. */
    boolean cmdlineHas(String token) {
        return Arrays.asList(cmdline.split("\\s+")).contains(token);
    }

    static String shorten(String text) {
        String s = text.strip().replace('\n', ' ');
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }
}
