package io.junitmultihost.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The guests' root filesystem, an initramfs built from this machine's Debian packages: busybox
 * (static) as init and tools, bash (root's shell) and dash ({@code /bin/sh}), OpenSSH's sshd, curl (for the sync script {@code mh-sync}), nft, tc
 * and ip (for the engine's network faults), the shared libraries they need, the guest scripts, and the virtio drivers of one kernel (as update-initramfs would add
 * them). One image per kernel version and provider session; nothing of a host's own is in it
 * (its keys and name are on its boot disk).
 */
final class GuestImage {

    /**
     * The drivers a guest needs (network, disk, entropy) and what the engine's faults use (nftables
     * with random drops and TCP resets, tc's token bucket), in load order after their dependencies.
     * Loaded at boot: the guest has no modprobe database for the kernel to load them on demand.
     */
    private static final List<String> MODULES = List.of("virtio_pci", "virtio_net", "virtio_blk", "virtio-rng",
            "nf_tables", "nft_numgen", "nft_reject_inet", "sch_tbf");
    private static final Pattern MODULE_DEPENDS = Pattern.compile("\0depends=([^\0]*)\0");
    private static final Duration STEP = Duration.ofMinutes(1);

    static final Path BUSYBOX = Path.of("/bin/busybox");
    /*
     * OpenSSH's sshd, not dropbear: Debian 12's dropbear (2022.83) dies on a failed assertion
     * (`!channel->sent_close`, mkj/dropbear#321, fixed upstream by #326 in October 2024) when a
     * channel opens as a child of another exits, taking the whole connection with it: uploads and
     * remote JVMs failed on it under emulation.
     */
    static final Path SSHD = Path.of("/usr/sbin/sshd");
    /** For the engine's sync script on hosts (mh-sync), which talks HTTP through curl. */
    static final Path CURL = Path.of("/usr/bin/curl");
    /*
     * Debian's shells: bash for root's logins (as on a Debian host), dash as /bin/sh. Not busybox's
     * ash: Debian's busybox-static prefers its own applets to any program on the PATH, so a script's
     * `tc` or `ip` ran busybox's, which know too little for the engine's faults.
     */
    static final Path BASH = Path.of("/bin/bash");
    static final Path DASH = Path.of("/bin/dash");
    /**
     * For tests of what a host without root does: sudo (set-user-ID) with its sudoers plugin, and
     * PAM's pam_permit as its only module; left out where this machine has no sudo.
     */
    static final Path SUDO = Path.of("/usr/bin/sudo");
    private static final Path SUDOERS_PLUGIN = Path.of("/usr/libexec/sudo/sudoers.so");
    /** The guests' users other than root: one with passwordless sudo, one without any. Both log in with the run's key. */
    static final String SUDO_USER = "multihost-sudo";
    static final String PLAIN_USER = "multihost";
    /** For the engine's network faults: nftables (partitions, loss, resets) and iproute2 (tc for bandwidth limits, ip). */
    static final List<Path> FAULT_TOOLS = List.of(Path.of("/usr/sbin/nft"), Path.of("/usr/sbin/tc"), Path.of("/usr/sbin/ip"));

    private final Path dir;
    private final Kernels kernels;
    private final Map<String, Path> images = new ConcurrentHashMap<>();
    private Path common;

    GuestImage(Path dir, Kernels kernels) {
        this.dir = dir;
        this.kernels = kernels;
    }

    /** The initramfs for {@code version}, built on first use. */
    synchronized Path initrd(String version) {
        Path done = images.get(version);
        if (done != null) {
            return done;
        }
        try {
            Path root = common();
            Path modules = Files.createDirectories(dir.resolve("modules-" + version));
            copyModules(kernels.unpacked(version), version, modules);
            Path image = dir.resolve("initrd.img-" + version);
            Cpio.write(List.of(root, modules), image);
            images.put(version, image);
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not build the guest image for kernel [" + version + "] in [" + dir + "]", e);
        }
    }

    /** The kernel image of {@code version}. */
    Path vmlinuz(String version) {
        return kernels.unpacked(version).resolve("boot").resolve("vmlinuz-" + version);
    }

    private Path common() throws IOException {
        if (common != null) {
            return common;
        }
        Path root = Files.createDirectories(dir.resolve("root"));
        for (String d : List.of("bin", "dev", "proc", "sys", "etc", "root", "boot", "tmp", "run", "var", "usr/lib", "lib/modules")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.createSymbolicLink(root.resolve("sbin"), Path.of("bin"));
        Files.createSymbolicLink(root.resolve("usr/bin"), Path.of("../bin"));
        Files.createSymbolicLink(root.resolve("usr/sbin"), Path.of("../bin"));
        Files.createSymbolicLink(root.resolve("var/run"), Path.of("../run"));
        Files.createSymbolicLink(root.resolve("init"), Path.of("bin/busybox"));
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        for (String applet : Exec.run(STEP, List.of(BUSYBOX.toString(), "--list")).orThrow("Listing busybox's applets").output().split("\n")) {
            Path link = root.resolve("bin").resolve(applet.strip());
            if (!applet.isBlank() && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        Files.copy(SSHD, root.resolve("bin/sshd"));
        Files.copy(CURL, root.resolve("bin/curl"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(BASH, root.resolve("bin/bash"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(DASH, root.resolve("bin/sh"), StandardCopyOption.REPLACE_EXISTING);
        List<Path> programs = new ArrayList<>(List.of(SSHD, CURL, BASH, DASH));
        for (Path tool : FAULT_TOOLS) {
            // In place of busybox's applets of the same name, which know too little of nftables' kernel and of tc.
            Files.copy(tool, root.resolve("bin").resolve(tool.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            programs.add(tool);
        }
        boolean sudo = Files.isExecutable(SUDO) && Files.isRegularFile(SUDOERS_PLUGIN) && pamPermit().isPresent();
        if (sudo) {
            Files.copy(SUDO, root.resolve("bin/sudo"), StandardCopyOption.REPLACE_EXISTING);
            Exec.run(STEP, List.of("chmod", "4755", root.resolve("bin/sudo").toString())).orThrow("Making the guests' sudo set-user-ID");
            Path plugin = root.resolve(SUDOERS_PLUGIN.toString().substring(1));
            Files.createDirectories(plugin.getParent());
            Files.copy(SUDOERS_PLUGIN, plugin, StandardCopyOption.REPLACE_EXISTING);
            Path permit = pamPermit().get();
            Path module = root.resolve(permit.toString().substring(1));
            Files.createDirectories(module.getParent());
            Files.copy(permit, module, StandardCopyOption.REPLACE_EXISTING);
            Files.createDirectories(root.resolve("etc/pam.d"));
            write(root.resolve("etc/pam.d/sudo"), "auth sufficient pam_permit.so\naccount required pam_permit.so\n"
                    + "session required pam_permit.so\n", false);
            // No syslog and no mail here: sudo would only fail to reach them.
            write(root.resolve("etc/sudoers"), "Defaults !syslog, !mail_badpass, !mail_no_user, !mail_no_host, !mail_no_perms, !lecture\n"
                    + SUDO_USER + " ALL=(ALL:ALL) NOPASSWD: ALL\n", false);
            programs.add(SUDO);
            programs.add(SUDOERS_PLUGIN);
        }
        for (Path library : libraries(programs)) {
            Path target = root.resolve(library.toString().substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(library.toRealPath(), target, StandardCopyOption.REPLACE_EXISTING);
        }
        write(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nsshd:x:100:65534::/run/sshd:/bin/false\n"
                + SUDO_USER + ":x:1000:1000::/home/" + SUDO_USER + ":/bin/bash\n"
                + PLAIN_USER + ":x:1001:1001::/home/" + PLAIN_USER + ":/bin/bash\n", false);
        write(root.resolve("etc/shadow"), "root:*:0:0:99999:7:::\nsshd:*:0:0:99999:7:::\n" + SUDO_USER + ":*:0:0:99999:7:::\n"
                + PLAIN_USER + ":*:0:0:99999:7:::\n", false);
        write(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n" + SUDO_USER + ":x:1000:\n" + PLAIN_USER + ":x:1001:\n", false);
        Files.createDirectories(root.resolve("etc/ssh"));
        write(root.resolve("etc/ssh/sshd_config"), resource("guest-sshd_config"), false);
        write(root.resolve("etc/resolv.conf"), "nameserver 10.0.2.3\n", false);
        write(root.resolve("etc/inittab"), resource("guest-inittab"), false);
        write(root.resolve("etc/rc"), resource("guest-rc"), true);
        write(root.resolve("etc/sshd"), resource("guest-sshd").replace("@NO_REEXEC@", noReexec()), true);
        write(root.resolve("bin/nohup"), resource("guest-nohup"), true);
        common = root;
        return root;
    }

    /**
     * {@code -r} where this machine's sshd still takes it, as the lab's hosts: a connection is then
     * served by a fork of the listener rather than by an sshd it re-executes, which costs an emulated
     * guest about 0.35 s of CPU before the banner, each connection (a third of a whole command).
     */
    static String noReexec() {
        return Exec.run(STEP, List.of(SSHD.toString(), "-r", "-V")).ok() ? "-r " : "";
    }

    /** PAM's pam_permit.so of this machine, where there is one. */
    private static java.util.Optional<Path> pamPermit() {
        for (String dir : List.of("/lib/x86_64-linux-gnu/security", "/usr/lib/x86_64-linux-gnu/security", "/lib/security",
                "/usr/lib/security")) {
            Path module = Path.of(dir, "pam_permit.so");
            if (Files.isRegularFile(module)) {
                return java.util.Optional.of(module);
            }
        }
        return java.util.Optional.empty();
    }

    /** The shared libraries {@code programs} load, as ldd lists them. */
    private static Set<Path> libraries(List<Path> programs) {
        Set<Path> found = new LinkedHashSet<>();
        for (Path program : programs) {
            String out = Exec.run(STEP, List.of("ldd", program.toString())).orThrow("Listing the libraries of [" + program + "]").output();
            Matcher m = Pattern.compile("(?m)(?:=>\\s*|^\\s*)(/\\S+)\\s+\\(").matcher(out);
            while (m.find()) {
                found.add(Path.of(m.group(1)));
            }
        }
        return found;
    }

    /** Copies {@link #MODULES} and what they depend on, and a load order, into {@code target}/lib/modules/{@code version}. */
    private static void copyModules(Path unpacked, String version, Path target) throws IOException {
        Path tree = unpacked.resolve("lib/modules").resolve(version);
        Map<String, Path> all = new ConcurrentHashMap<>();
        try (Stream<Path> walk = Files.walk(tree)) {
            walk.filter(p -> p.getFileName().toString().endsWith(".ko"))
                    .forEach(p -> all.put(p.getFileName().toString().replace(".ko", ""), p));
        }
        List<String> order = new ArrayList<>();
        Deque<String> visiting = new ArrayDeque<>();
        for (String module : MODULES) {
            visit(module, all, order, visiting, version);
        }
        Path out = Files.createDirectories(target.resolve("lib/modules").resolve(version));
        for (String module : order) {
            Files.copy(all.get(module), out.resolve(module + ".ko"), StandardCopyOption.REPLACE_EXISTING);
        }
        write(out.resolve("load-order"), String.join("\n", order) + "\n", false);
    }

    private static void visit(String module, Map<String, Path> all, List<String> order, Deque<String> visiting, String version)
            throws IOException {
        if (order.contains(module) || visiting.contains(module)) {
            return;
        }
        Path file = all.get(module);
        if (file == null) {
            // Built into this kernel: nothing to load.
            return;
        }
        visiting.push(module);
        Matcher m = MODULE_DEPENDS.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        if (m.find()) {
            for (String dependency : m.group(1).split(",")) {
                if (!dependency.isBlank()) {
                    visit(dependency.strip(), all, order, visiting, version);
                }
            }
        }
        visiting.pop();
        order.add(module);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = GuestImage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource [" + name + "] is missing from the qemu provider's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void write(Path file, String text, boolean executable) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }
}
