package io.junitmultihost.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Whether this machine can run a lab: Linux, root, overlayfs, and the programs the lab runs. */
final class LabEnvironment {

    /** The Debian packages that bring every program the lab needs. */
    static final String PACKAGES = "openssh-server openssh-client iproute2 nftables util-linux mount procps";

    private static final List<String> PROGRAMS = List.of("ip", "tc", "nft", "unshare", "nsenter", "setsid", "mount",
            "ssh-keygen", "kill");

    private LabEnvironment() {
    }

    /** Why a lab cannot run here; empty when it can. */
    static Optional<String> problem() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("The lab needs Linux; this is [" + System.getProperty("os.name") + "]. Use multihost.provider=embedded.");
        }
        if (!isRoot()) {
            return Optional.of("The lab needs root (network namespaces, bridges, mounts); this JVM runs as user ["
                    + System.getProperty("user.name") + "]. Run the tests as root or use multihost.provider=embedded.");
        }
        List<String> missing = new ArrayList<>();
        for (String program : PROGRAMS) {
            if (find(program).isEmpty()) {
                missing.add(program);
            }
        }
        for (String path : List.of("/usr/sbin/sshd", "/usr/bin/ssh", "/bin/sh")) {
            if (!Files.isExecutable(Path.of(path))) {
                missing.add(path);
            }
        }
        if (!missing.isEmpty()) {
            return Optional.of("The lab needs " + missing + ", missing on this machine. Install them with: apt-get install -y "
                    + PACKAGES + ".");
        }
        try {
            if (!Files.readString(Path.of("/proc/filesystems")).contains("overlay")) {
                return Optional.of("The lab needs the kernel's overlay filesystem, not listed in [/proc/filesystems]. Load it with: modprobe overlay.");
            }
        } catch (IOException e) {
            return Optional.of("Could not read [/proc/filesystems]: [" + e.getMessage() + "].");
        }
        return Optional.empty();
    }

    /**
     * A warning when this machine's firewall may drop traffic between lab hosts: with bridge
     * netfilter on, bridged frames pass the machine's forward hook too, and a drop policy there
     * (Docker sets one) cuts hosts off from each other.
     */
    static Optional<String> bridgeFirewallWarning() {
        try {
            Path sysctl = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");
            if (!Files.isRegularFile(sysctl) || !Files.readString(sysctl).strip().equals("1")) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        String rules = Exec.run(java.time.Duration.ofSeconds(10), List.of("nft", "list", "ruleset")).output();
        boolean dropsForward = rules.lines().anyMatch(line -> line.contains("hook forward") && line.contains("policy drop"));
        return dropsForward
                ? Optional.of("Bridge netfilter is on and this machine's firewall drops forwarded packets by default, so traffic"
                        + " between lab hosts may be dropped. Allow the lab's bridge in the forward chain, or set"
                        + " net.bridge.bridge-nf-call-iptables=0.")
                : Optional.empty();
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .anyMatch(line -> line.split("\\s+")[2].equals("0"));
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    static Optional<Path> find(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst();
    }
}
