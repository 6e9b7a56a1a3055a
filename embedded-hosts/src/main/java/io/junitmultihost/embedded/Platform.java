package io.junitmultihost.embedded;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the machine offers for running host commands: a way to start each in a new session and
 * process group, detached from the developer's terminal ({@code setsid} on Linux, Perl's
 * {@code POSIX::setsid} where there is no {@code setsid}, as on macOS), and a Linux {@code /proc}
 * (to find every process a host started, even those that left its process group).
 */
final class Platform {

    /** The PATH hosts get after their shim directory when the JVM has none. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Runs its arguments as a program in a new session: {@code perl -e SCRIPT program args...}. */
    static final String PERL_SETSID = "use POSIX (); defined(POSIX::setsid()) or die \"setsid: $!\\n\"; exec {$ARGV[0]} @ARGV or die \"exec $ARGV[0]: $!\\n\";";

    private static final List<String> NEW_SESSION = newSessionPrefix();
    private static final boolean ROOT = readIsRoot();
    private static volatile List<String> withoutReboot;
    private static final boolean PROCFS = Files.isReadable(Path.of("/proc/self/environ"))
            && Files.isReadable(Path.of("/proc/self/stat"));

    private Platform() {
    }

    /** What to put before a command line to run it in a new session; empty when this machine has no way. */
    static List<String> newSession() {
        return NEW_SESSION;
    }

    /** Whether each host command gets its own session and process group (so its group can be signalled). */
    static boolean commandsGetOwnGroup() {
        return !NEW_SESSION.isEmpty();
    }

    private static List<String> newSessionPrefix() {
        Optional<Path> setsid = find("setsid");
        if (setsid.isPresent()) {
            return List.of(setsid.get().toString());
        }
        return find("perl").map(perl -> List.of(perl.toString(), "-e", PERL_SETSID)).orElse(List.of());
    }

    /** Whether {@code /proc/PID/stat} and {@code /proc/PID/environ} can be read here. */
    static boolean hasProcfs() {
        return PROCFS;
    }

    /** Whether this JVM runs as root (effective user id 0) on Linux. */
    static boolean isRoot() {
        return ROOT;
    }

    /**
     * What to put before a host's shell so that it and everything it starts cannot reboot this
     * machine: as root, {@code setpriv} drops {@code CAP_SYS_BOOT} from the bounding set, so
     * {@code reboot(2)} and {@code kexec_load(2)} fail with EPERM even through {@code sudo} (no
     * process can take the capability back). Not root: empty, the kernel refuses those anyway.
     *
     * @throws IllegalStateException as root without {@code setpriv}
     */
    static List<String> withoutReboot() {
        if (!ROOT) {
            return List.of();
        }
        List<String> prefix = withoutReboot;
        if (prefix == null) {
            prefix = List.of(require("setpriv"), "--bounding-set", "-sys_boot", "--");
            withoutReboot = prefix;
        }
        return prefix;
    }

    /**
     * The path of {@code program} (one of util-linux's, which embedded hosts run as root need).
     *
     * @throws IllegalStateException when this machine lacks it
     */
    static String require(String program) {
        return find(program).orElseThrow(() -> new IllegalStateException("Embedded hosts run as root need [" + program + "] (Debian"
                + " package util-linux) to keep their commands from reaching this machine's power and processes; install it, or run"
                + " the tests as another user.")).toString();
    }

    private static boolean readIsRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(line -> line.startsWith("Uid:") && line.split("\\s+")[2].equals("0"));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** The PATH of the test JVM, or {@link #DEFAULT_PATH}. */
    static String jvmPath() {
        String path = System.getenv("PATH");
        return path == null || path.isBlank() ? DEFAULT_PATH : path;
    }

    /** The first executable {@code name} on the JVM's PATH or in the usual system directories. */
    static Optional<Path> find(String name) {
        Set<String> dirs = new LinkedHashSet<>();
        for (String dir : jvmPath().split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                dirs.add(dir);
            }
        }
        for (String dir : DEFAULT_PATH.split(":")) {
            dirs.add(dir);
        }
        for (String dir : dirs) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
