package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and removes what labs of dead JVMs left behind. Every lab registers itself in
 * {@link #REGISTRY} (its owner's pid and start time, its directory, its bridge) before it creates
 * anything; a lab is alive while that owner runs (a reused pid does not count, its start time
 * differs). Leftovers are the registered labs that are not alive, lab directories under the state
 * directory that no live lab owns, and any namespace or link named {@code mhl-<id>...} whose lab
 * is not alive.
 *
 * <p>The state directory may be shared with other software, so a directory is removed only when
 * the lab provably made it ({@link #madeByLab}): a real directory (not a symlink) named for the
 * lab, owned by this user with mode 0700, holding the lab's {@link #MARKER} (written when the lab
 * laid it out, owned by this user, naming that lab). Anything else stays, whatever its name.
 */
final class Leftovers {

    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

    /** Where every lab registers its owner, whatever its state directory. */
    static final Path REGISTRY = Path.of(LabOptions.DEFAULT_STATE_DIR, "registry");

    static final Pattern LAB_ID = Pattern.compile("[a-z0-9]{4}");

    /** The file in each lab directory that says which lab made it. */
    static final String MARKER = ".junit-multihost-lab";

    private static final Pattern NAMED = Pattern.compile(Pattern.quote(LabNetwork.PREFIX) + "([a-z0-9]{4})(-.*)?");
    private static final Duration STEP = Duration.ofSeconds(30);

    private Leftovers() {
    }

    /** The owner line of this JVM: its pid and its start time in clock ticks since boot. */
    static String currentOwner() {
        long pid = ProcessHandle.current().pid();
        return pid + " " + startTime(pid).orElse("0");
    }

    /** Whether the process an owner line names is still running. */
    static boolean alive(String owner) {
        String[] parts = owner.strip().split("\\s+");
        if (parts.length != 2 || !parts[0].matches("\\d+")) {
            return false;
        }
        return startTime(Long.parseLong(parts[0])).map(parts[1]::equals).orElse(false);
    }

    /** Records a new lab in the registry, before it creates anything. */
    static void register(String id, Path dir, String bridge) {
        Properties properties = new Properties();
        properties.setProperty("owner", currentOwner());
        properties.setProperty("dir", dir.toString());
        properties.setProperty("bridge", bridge);
        try {
            Files.createDirectories(REGISTRY);
            Path temp = REGISTRY.resolve(id + ".tmp");
            try (var out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                properties.store(out, "A junit-multihost lab; removed when it closes.");
            }
            Files.move(temp, REGISTRY.resolve(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LabException("Could not register lab [" + id + "] in [" + REGISTRY + "]: [" + e.getMessage() + "].", e);
        }
    }

    /**
     * Writes the marker that proves {@code dir} was made by lab {@code id}; call it right after
     * creating the directory (mode 0700), before anything else goes in.
     */
    static void mark(Path dir, String id) throws IOException {
        Path temp = dir.resolve(MARKER + ".tmp");
        Files.writeString(temp, "lab=" + id + "\nowner=" + currentOwner() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.move(temp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Whether lab {@code id} provably made {@code dir}: a directory (not a symlink) named
     * {@code id}, owned by this user, mode 0700, holding a regular {@link #MARKER} file owned by
     * this user, writable by no one else, that names lab {@code id}. Other users cannot make such
     * a directory, and other software has no reason to.
     */
    static boolean madeByLab(Path dir, String id) {
        if (dir == null || dir.getFileName() == null || !dir.getFileName().toString().equals(id) || !LAB_ID.matcher(id).matches()) {
            return false;
        }
        try {
            int me = uid();
            Map<String, Object> dirAttributes = Files.readAttributes(dir, "unix:uid,mode,isDirectory,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
            if (!Boolean.TRUE.equals(dirAttributes.get("isDirectory")) || !Integer.valueOf(me).equals(dirAttributes.get("uid"))
                    || ((Integer) dirAttributes.get("mode") & 07777) != 0700) {
                return false;
            }
            Path marker = dir.resolve(MARKER);
            Map<String, Object> markerAttributes = Files.readAttributes(marker, "unix:uid,mode,isRegularFile,size", LinkOption.NOFOLLOW_LINKS);
            if (!Boolean.TRUE.equals(markerAttributes.get("isRegularFile")) || !Integer.valueOf(me).equals(markerAttributes.get("uid"))
                    || ((Integer) markerAttributes.get("mode") & 0022) != 0 || (Long) markerAttributes.get("size") > 4096) {
                return false;
            }
            return Files.readAllLines(marker, StandardCharsets.UTF_8).contains("lab=" + id);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code dir} is the root of a mount (its device differs from its parent's). */
    static boolean mountPoint(Path dir) {
        try {
            Object own = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Object parent = Files.getAttribute(dir.getParent(), "unix:dev");
            return !own.equals(parent);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** This process's effective user id: the owner of {@code /proc/self}. */
    static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** Removes a lab's registry entry, once everything it created is gone. */
    static void unregister(String id) {
        try {
            Files.deleteIfExists(REGISTRY.resolve(id));
        } catch (IOException e) {
            LOG.warn("Could not remove the registry entry of lab [{}]: {}", id, e.getMessage());
        }
    }

    /** Every registered lab: its id and its properties (owner, dir, bridge). */
    static Map<String, Properties> registered() {
        Map<String, Properties> labs = new TreeMap<>();
        if (!Files.isDirectory(REGISTRY)) {
            return labs;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(REGISTRY, p -> LAB_ID.matcher(p.getFileName().toString()).matches())) {
            for (Path file : stream) {
                Properties properties = new Properties();
                try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    properties.load(in);
                } catch (IOException e) {
                    // unreadable: its owner is unknown, so it counts as dead
                }
                labs.put(file.getFileName().toString(), properties);
            }
        } catch (IOException e) {
            LOG.warn("Could not list the labs in [{}]: {}", REGISTRY, e.getMessage());
        }
        return labs;
    }

    /** The ids of labs whose JVM is alive. */
    static Set<String> liveLabs() {
        Set<String> live = new HashSet<>();
        registered().forEach((id, properties) -> {
            if (alive(properties.getProperty("owner", ""))) {
                live.add(id);
            }
        });
        return live;
    }

    /** Removes every leftover; returns the ids of the labs it cleaned up after. Never throws. */
    static Set<String> removeAll(Path stateDir) {
        Set<String> removed = new TreeSet<>();
        try {
            Map<String, Properties> registered = registered();
            Set<String> live = liveLabs();
            registered.forEach((id, properties) -> {
                if (!live.contains(id)) {
                    String dir = properties.getProperty("dir");
                    removeLab(dir == null ? null : Path.of(dir), id, properties.getProperty("bridge"));
                    unregister(id);
                    removed.add(id);
                }
            });
            for (Path dir : labDirs(stateDir)) {
                String id = dir.getFileName().toString();
                if (!live.contains(id)) {
                    removeLab(dir, id, null);
                    removed.add(id);
                }
            }
            List<String> strays = new ArrayList<>();
            for (String namespace : LabNetwork.namespaces()) {
                labIdOf(namespace).filter(id -> !live.contains(id)).ifPresent(id -> {
                    strays.add(namespace);
                    removed.add(id);
                });
            }
            LabNetwork.removeNamespaces(strays);
            for (String link : LabNetwork.links()) {
                labIdOf(link).filter(id -> !live.contains(id)).ifPresent(id -> {
                    LabNetwork.removeLink(link);
                    removed.add(id);
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not remove every leftover of earlier labs: {}", e.getMessage());
        }
        if (!removed.isEmpty()) {
            LOG.info("Removed the leftovers of labs {} whose JVMs are gone.", removed);
        }
        return removed;
    }

    /** Removes one lab's namespaces, processes, bridge and files ({@code dir} and {@code bridge} may be null). */
    static void removeLab(Path dir, String id, String bridge) {
        LOG.debug("Removing lab [{}] in [{}]", id, dir);
        String prefix = LabNetwork.PREFIX + id + "-";
        if (dir != null) {
            killInits(dir);
        }
        LabNetwork.removeNamespaces(LabNetwork.namespaces().stream().filter(n -> n.startsWith(prefix)).collect(Collectors.toList()));
        LOG.debug("Lab [{}]: namespaces removed", id);
        if (bridge != null) {
            LabNetwork.removeLink(bridge);
        }
        LabNetwork.removeLink(LabNetwork.defaultBridge(id));
        // The kernel removes a deleted namespace's veth pairs in the background; do not leave it to chance.
        LabNetwork.removeLinks(LabNetwork.links().stream().filter(n -> n.startsWith(prefix)).collect(Collectors.toList()));
        LOG.debug("Lab [{}]: bridge and links removed", id);
        if (madeByLab(dir, id)) {
            if (mountPoint(dir)) {
                // the lab's own tmpfs (a RAM-backed state directory); hosts still holding it let go as they die
                Exec.run(STEP, List.of("umount", "--lazy", dir.toString()));
            }
            Exec.run(STEP, List.of("rm", "-rf", "--one-file-system", dir.toString()));
            LOG.debug("Lab [{}]: files removed", id);
        } else if (dir != null && Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            LOG.warn("Left [{}] alone: lab [{}] did not make it (no marker [{}] of that lab, owned by this user, in a 0700 directory).",
                    dir, id, MARKER);
        }
    }

    /** The lab id in a namespace or link name made by a lab, if it is one. */
    static Optional<String> labIdOf(String name) {
        Matcher m = NAMED.matcher(name);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The ids of processes running a lab init from {@code dir}. */
    static List<String> inits(Path dir) {
        String needle = dir + "/";
        List<String> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (cmdline.contains(SafetyCheck.INIT_MARKER) && cmdline.contains(needle)) {
                        pids.add(proc.getFileName().toString());
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not list processes in [/proc]: {}", e.getMessage());
        }
        return pids;
    }

    /** Kills any lab init (and so its whole host) still running from {@code dir}. */
    private static void killInits(Path dir) {
        List<String> pids = inits(dir);
        if (!pids.isEmpty()) {
            List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
            kill.addAll(pids);
            Exec.run(STEP, kill);
        }
    }

    private static List<Path> labDirs(Path stateDir) {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(stateDir)) {
            return dirs;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(stateDir, p -> madeByLab(p, p.getFileName().toString()))) {
            stream.forEach(dirs::add);
        } catch (IOException e) {
            LOG.warn("Could not list the labs in [{}]: {}", stateDir, e.getMessage());
        }
        return dirs;
    }

    private static Optional<String> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The fields after the command name (which may hold spaces and parentheses): state is
            // field 3, start time field 22. A zombie has died already.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields[0].equals("Z") ? Optional.empty() : Optional.of(fields[19]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
