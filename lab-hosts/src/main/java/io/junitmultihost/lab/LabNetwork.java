package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The lab's network plumbing on this machine, through {@code ip}, {@code nft} and {@code tc}: a
 * bridge with the machine's address, and per host a network namespace joined to the bridge by a
 * veth pair (the host's end is {@code eth0}). Names carry the lab's prefix so that leftovers can
 * be found: {@code mhl-<lab id>-<host>} for namespaces and {@code mhl-<lab id>-<n>} for links.
 */
final class LabNetwork {

    /** The prefix of every namespace and link a lab creates. */
    static final String PREFIX = "mhl-";

    /** The nftables table the lab keeps in each host's namespace for faults. */
    static final String FAULT_TABLE = "junit_multihost_lab";

    private static final Duration STEP = Duration.ofSeconds(30);

    private LabNetwork() {
    }

    static String namespace(String labId, String host) {
        return PREFIX + labId + "-" + host;
    }

    static String veth(String labId, int index) {
        return PREFIX + labId + "-" + index;
    }

    static String defaultBridge(String labId) {
        return PREFIX + labId;
    }

    /** Creates the bridge and gives the machine {@code gateway/prefix} on it. */
    static void createBridge(String bridge, String gateway, int prefix) {
        batch(null, List.of(
                "link add " + bridge + " type bridge",
                "addr add " + gateway + "/" + prefix + " dev " + bridge,
                "link set " + bridge + " up")).orThrow("Creating the lab bridge [" + bridge + "]");
    }

    /** One host to plug in: its namespace, its link's machine end, its address. */
    record Plug(String namespace, String veth, String address, int prefix) {
    }

    /** Creates each host's namespace and veth pair, joins them to {@code bridge} and sets addresses. */
    static void plug(String bridge, List<Plug> plugs) {
        List<String> machine = new ArrayList<>();
        for (Plug plug : plugs) {
            machine.add("netns add " + plug.namespace());
            machine.add("link add " + plug.veth() + " type veth peer name eth0 netns " + plug.namespace());
            machine.add("link set " + plug.veth() + " master " + bridge + " up");
        }
        batch(null, machine).orThrow("Creating the namespaces and links of " + plugs.size() + " lab hosts");
        for (Plug plug : plugs) {
            batch(plug.namespace(), List.of(
                    "addr add " + plug.address() + "/" + plug.prefix() + " dev eth0",
                    "link set eth0 up",
                    "link set lo up")).orThrow("Configuring the network of namespace [" + plug.namespace() + "]");
        }
    }

    /** The ids of processes in namespace {@code namespace}; empty when it is gone. */
    static List<Long> pids(String namespace) {
        Exec.Result result = Exec.run(STEP, List.of("ip", "netns", "pids", namespace));
        if (!result.ok()) {
            return List.of();
        }
        return Arrays.stream(result.output().split("\\s+")).filter(s -> s.matches("\\d+")).map(Long::valueOf)
                .collect(Collectors.toList());
    }

    /** Kills every process in {@code namespace}, then deletes it (and its veth pair with it). */
    static void removeNamespace(String namespace) {
        removeNamespaces(List.of(namespace));
    }

    /**
     * Kills every process in each of {@code names} (found in one pass over /proc by namespace
     * inode), then deletes them all with one {@code ip -batch}; their veth pairs go with them.
     */
    static void removeNamespaces(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        Set<String> inodes = new HashSet<>();
        for (String name : names) {
            try {
                inodes.add("net:[" + Files.getAttribute(Path.of("/run/netns", name), "unix:ino") + "]");
            } catch (IOException | UnsupportedOperationException e) {
                // not mounted: nothing runs in it under this name
            }
        }
        List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try {
                    if (inodes.contains(Files.readSymbolicLink(proc.resolve("ns/net")).toString())) {
                        kill.add(proc.getFileName().toString());
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new LabException("Could not list processes in [/proc]: [" + e.getMessage() + "].", e);
        }
        if (kill.size() > 2) {
            Exec.run(STEP, kill);
        }
        Exec.run(STEP, List.of("ip", "-force", "-batch", "-"),
                names.stream().map(name -> "netns delete " + name).collect(Collectors.joining("\n", "", "\n")));
    }

    /** Deletes link {@code name} if it exists. */
    static void removeLink(String name) {
        Exec.run(STEP, List.of("ip", "link", "delete", name));
    }

    /** Deletes the links {@code names} with one {@code ip -batch}; those already gone are no error. */
    static void removeLinks(List<String> names) {
        if (!names.isEmpty()) {
            Exec.run(STEP, List.of("ip", "-force", "-batch", "-"),
                    names.stream().map(name -> "link delete " + name).collect(Collectors.joining("\n", "", "\n")));
        }
    }

    /** The names of all network namespaces on the machine. */
    static List<String> namespaces() {
        Exec.Result result = Exec.run(STEP, List.of("ip", "netns", "list"));
        return result.output().lines().map(line -> line.split("\\s+")[0]).filter(s -> !s.isBlank()).collect(Collectors.toList());
    }

    /** The names of all links in the machine's namespace. */
    static List<String> links() {
        Exec.Result result = Exec.run(STEP, List.of("ip", "-o", "link", "show"));
        List<String> names = new ArrayList<>();
        for (String line : result.output().lines().collect(Collectors.toList())) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length >= 2) {
                names.add(parts[1].split("@")[0].strip());
            }
        }
        return names;
    }

    /** The IPv4 routes of the machine, one {@code ip -4 route} line each. */
    static List<String> routes() {
        return Exec.run(STEP, List.of("ip", "-4", "route", "show", "table", "all")).output().lines().collect(Collectors.toList());
    }

    /** Replaces the lab's nftables table in {@code namespace} with {@code rules} (atomically). */
    static void applyRules(String namespace, String rules) {
        Exec.run(STEP, List.of("nsenter", "--net=/run/netns/" + namespace, "nft", "-f", "-"), rules)
                .orThrow("Applying the fault rules of namespace [" + namespace + "]");
    }

    /**
     * Removes what the engine's faults (docs/FAULTS.md) may have left in the namespace: their
     * nftables tables and their tc limit. Normally nothing: each fault ends by itself on the host,
     * but a reboot of a lab host ends the host's timers while its namespace keeps its rules.
     */
    static void clearEngineFaults(String namespace) {
        Exec.run(STEP, List.of("nsenter", "--net=/run/netns/" + namespace, "sh", "-c",
                "nft list tables 2>/dev/null | while read -r _ family name; do case \"$name\" in " + ENGINE_FAULT_TABLES
                        + "*) nft delete table \"$family\" \"$name\";; esac; done;"
                        + " if tc qdisc show dev eth0 root | grep -q 'tbf " + ENGINE_FAULT_TBF + " '; then tc qdisc del dev eth0 root; fi"))
                .orThrow("Clearing the engine's faults of namespace [" + namespace + "]");
    }

    /** The prefix of the engine's fault tables, and the handle of its bandwidth limits (see the engine's HostScripts). */
    static final String ENGINE_FAULT_TABLES = "junit_multihost_fault_";
    static final String ENGINE_FAULT_TBF = "4a4d:";

    /** Limits {@code bitsPerSecond} on the host's eth0 (what it sends) and on its link's machine end (what it gets). */
    static void limitBandwidth(String namespace, String veth, long bitsPerSecond) {
        List<String> tbf = tbf(bitsPerSecond);
        List<String> inHost = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + namespace, "tc", "qdisc", "replace", "dev", "eth0"));
        inHost.addAll(tbf);
        Exec.run(STEP, inHost).orThrow("Limiting the bandwidth of namespace [" + namespace + "]");
        List<String> onMachine = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", veth));
        onMachine.addAll(tbf);
        Exec.run(STEP, onMachine).orThrow("Limiting the bandwidth of link [" + veth + "]");
    }

    /** Removes a limit set with {@link #limitBandwidth}; no error when there is none. */
    static void removeBandwidthLimit(String namespace, String veth) {
        Exec.run(STEP, List.of("nsenter", "--net=/run/netns/" + namespace, "tc", "qdisc", "del", "dev", "eth0", "root"));
        Exec.run(STEP, List.of("tc", "qdisc", "del", "dev", veth, "root"));
    }

    /** A token bucket of {@code bitsPerSecond}, with a bucket of a tenth of a second's worth (at least 2 packets). */
    private static List<String> tbf(long bitsPerSecond) {
        long burstBytes = Math.max(bitsPerSecond / 8 / 10, 3200);
        return List.of("root", "tbf", "rate", bitsPerSecond + "bit", "burst", Long.toString(burstBytes), "latency", "200ms");
    }

    /** Runs {@code lines} with {@code ip -batch -}, inside {@code namespace} when not null. */
    private static Exec.Result batch(String namespace, List<String> lines) {
        List<String> command = namespace == null
                ? List.of("ip", "-batch", "-")
                : List.of("ip", "-n", namespace, "-batch", "-");
        return Exec.run(STEP, command, String.join("\n", lines) + "\n");
    }
}
