package io.junitmultihost.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One lab host's files on the machine, under {@code <lab>/hosts/<name>}: {@code lab/} is what the
 * host sees at {@code /run/multihost-lab} (its boot id, command line, sshd config, host key,
 * authorized key, shim); {@code disk/} holds its overlays' upper layers and {@code root/} its home,
 * both kept across reboots like a real disk; {@code console.log} is its init's output.
 */
final class HostDir {

    /** Inside the host: where its lab files are mounted. */
    static final String IN_HOST = "/run/multihost-lab";

    /** Inside the host: the file a command writes to set the kernel command line of later boots. */
    static final String NEXT_CMDLINE_IN_HOST = "/boot/multihost-next-cmdline";

    private final Path dir;
    private final String name;

    HostDir(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    Path dir() {
        return dir;
    }

    Path lab() {
        return dir.resolve("lab");
    }

    Path bootId() {
        return lab().resolve("boot_id");
    }

    Path cmdline() {
        return lab().resolve("cmdline");
    }

    Path hostKey() {
        return lab().resolve("ssh_host_ed25519_key");
    }

    Path hostKeyPub() {
        return lab().resolve("ssh_host_ed25519_key.pub");
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    Path console() {
        return dir.resolve("console.log");
    }

    Path sshdLog() {
        return lab().resolve("sshd.log");
    }

    /** The file a host command wrote to set its next kernel command line, read while it is down. */
    Path nextCmdline() {
        return dir.resolve("disk").resolve(NEXT_CMDLINE_IN_HOST.substring(1));
    }

    /**
     * Lays out a new host: directories for its overlays, its home, its lab files (with its tmpfs sizes) and sshd config,
     * its own {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/machine-id}, and a host key.
     */
    void create(List<String> overlays, String clientPublicKey, String shim, String shimTargets, String sshdOptions, HostLimits limits,
            Duration deadline) {
        try {
            Files.createDirectories(lab());
            Files.createDirectories(dir.resolve("newrun"));
            Files.createDirectories(dir.resolve("root"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (String overlay : overlays) {
                Files.createDirectories(dir.resolve("disk").resolve(overlay));
                Files.createDirectories(dir.resolve("disk").resolve(".work").resolve(overlay));
            }
            write(lab().resolve("hostname"), name + "\n");
            write(lab().resolve("overlays"), String.join(" ", overlays) + "\n");
            write(lab().resolve("authorized_keys"), clientPublicKey.strip() + "\n");
            write(lab().resolve("sshd_config"), sshdConfig());
            write(lab().resolve("shim"), shim);
            write(lab().resolve("shim-targets"), shimTargets);
            write(lab().resolve("sshd-options"), sshdOptions + "\n");
            write(lab().resolve("tmpfs-sizes"), limits.initLine());
            Files.setPosixFilePermissions(lab().resolve("shim"), PosixFilePermissions.fromString("rwxr-xr-x"));
            write(bootId(), UUID.randomUUID() + "\n");
            write(cmdline(), "\n");
            if (overlays.contains("etc")) {
                Path etc = dir.resolve("disk").resolve("etc");
                write(etc.resolve("hostname"), name + "\n");
                String hosts = Files.isRegularFile(Path.of("/etc/hosts")) ? Files.readString(Path.of("/etc/hosts")) : "127.0.0.1\tlocalhost\n";
                write(etc.resolve("hosts"), hosts + (hosts.endsWith("\n") ? "" : "\n") + "127.0.1.1\t" + name + "\n");
                write(etc.resolve("machine-id"), UUID.randomUUID().toString().replace("-", "") + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not lay out lab host [" + name + "] in [" + dir + "].", e);
        }
        newHostKey(deadline);
    }

    /** Makes a new ed25519 host key, replacing the old one (the host must be down). */
    void newHostKey(Duration deadline) {
        try {
            Files.deleteIfExists(hostKey());
            Files.deleteIfExists(hostKeyPub());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove the old host key of lab host [" + name + "].", e);
        }
        Exec.run(deadline, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@" + name,
                "-f", hostKey().toString())).orThrow("Making the host key of lab host [" + name + "]");
    }

    /** The host's public key as {@code ssh-ed25519 AAAA...}. */
    String hostPublicKey() {
        try {
            String[] parts = Files.readString(hostKeyPub()).strip().split("\\s+");
            return parts[0] + " " + parts[1];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new LabException("Could not read the host key [" + hostKeyPub() + "] of lab host [" + name + "].", e);
        }
    }

    /** Writes the boot id and kernel command line for the next boot. */
    void prepareBoot(String bootId, String cmdline) {
        try {
            write(bootId(), bootId + "\n");
            write(this.cmdline(), cmdline + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the boot files of lab host [" + name + "].", e);
        }
    }

    /** The command line a command on the host asked for, if it wrote one. */
    Optional<String> requestedCmdline() {
        try {
            if (Files.isRegularFile(nextCmdline())) {
                String line = Files.readString(nextCmdline()).strip().replace('\n', ' ');
                return line.isEmpty() ? Optional.empty() : Optional.of(line);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last lines of the host's console and sshd log, for error messages. */
    String tail(int lines) {
        return "console: " + lastLines(console(), lines) + " sshd: " + lastLines(sshdLog(), lines);
    }

    /** The last {@code count} lines of the host's console, oldest first; none when it has none yet. */
    List<String> consoleLines(int count) {
        return lines(console(), count);
    }

    private static String lastLines(Path file, int count) {
        return "[" + String.join(" | ", lines(file, count)) + "]";
    }

    private static List<String> lines(Path file, int count) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
        } catch (IOException e) {
            return List.of();
        }
    }

    private String sshdConfig() {
        return "# Written by the junit-multihost lab for host [" + name + "]; the lab owns this file.\n"
                + "ListenAddress 0.0.0.0:22\n"
                + "HostKey " + IN_HOST + "/ssh_host_ed25519_key\n"
                + "AuthorizedKeysFile " + IN_HOST + "/authorized_keys .ssh/authorized_keys\n"
                + "PidFile /run/sshd.pid\n"
                // No PAM: sshd would need the machine's PAM stack and a login session per host.
                + "UsePAM no\n"
                + "PermitRootLogin prohibit-password\n"
                + "PasswordAuthentication no\n"
                + "KbdInteractiveAuthentication no\n"
                + "UseDNS no\n"
                + "PrintMotd no\n"
                + "PrintLastLog no\n"
                // Many tests connect to one host at once; the defaults (10:30:100) refuse some.
                + "MaxStartups 200:30:400\n"
                + "MaxSessions 100\n"
                + "SetEnv MULTIHOST_HOST=" + name + " MULTIHOST_NEXT_CMDLINE=" + NEXT_CMDLINE_IN_HOST + "\n"
                + "Subsystem sftp internal-sftp\n";
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
