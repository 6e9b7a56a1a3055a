package io.junitmultihost.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Whether this machine has what the qemu provider runs: the programs of its Debian packages. */
final class QemuEnvironment {

    /** The Debian packages the provider needs (scripts/install-prerequisites installs them as root). */
    static final String PACKAGES = "qemu-system-x86 busybox-static openssh-server openssh-client e2fsprogs curl nftables iproute2";

    private static final List<String> PROGRAMS = List.of(QemuVm.QEMU, QemuVm.SETPRIV, "mkfs.ext4", "debugfs", "e2fsck", "dpkg-deb",
            "apt-get", "apt-cache", "ssh-keygen", "ldd");

    private QemuEnvironment() {
    }

    /** Why the provider cannot run here, naming what is missing and the install command; empty when it can. */
    static Optional<String> problem() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("The qemu provider runs on Linux only (it builds guests from Debian packages); this is ["
                    + System.getProperty("os.name") + "].");
        }
        List<String> missing = new ArrayList<>();
        for (String program : PROGRAMS) {
            if (which(program).isEmpty()) {
                missing.add(program);
            }
        }
        List<Path> files = new ArrayList<>(List.of(GuestImage.BUSYBOX, GuestImage.SSHD, GuestImage.CURL, GuestImage.BASH, GuestImage.DASH));
        files.addAll(GuestImage.FAULT_TOOLS);
        for (Path file : files) {
            if (!Files.isExecutable(file)) {
                missing.add(file.toString());
            }
        }
        if (missing.isEmpty() && Exec.run(Duration.ofSeconds(10), List.of("ldd", GuestImage.BUSYBOX.toString())).ok()) {
            missing.add("a static " + GuestImage.BUSYBOX + " (this one is dynamically linked)");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("The qemu provider needs " + missing + ", missing on this machine. Install them with: apt-get install -y "
                + PACKAGES + " (as root; ./mvnw verify does it through scripts/install-prerequisites).");
    }

    private static Optional<Path> which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
