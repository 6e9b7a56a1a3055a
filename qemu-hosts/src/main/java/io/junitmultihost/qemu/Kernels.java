package io.junitmultihost.qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's kernel packages, as the guests boot them: found with apt-cache, fetched with
 * {@code apt-get download} and unpacked with {@code dpkg-deb -x} into a cache shared by runs
 * (nothing is installed on this machine). Versions are package versions such as
 * {@code 6.1.0-57-cloud-amd64}, which is also the kernel's release ({@code uname -r}).
 */
final class Kernels {

    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);

    /** The flavour the guests boot: Debian's kernel for virtual machines, small and quick to boot. */
    static final String FLAVOUR = "cloud-amd64";

    private static final Duration APT = Duration.ofMinutes(5);
    private static final Pattern VERSION = Pattern.compile("linux-image-(\\d+\\.\\d+\\.\\d+-(\\d+)-" + Pattern.quote(FLAVOUR) + ")");

    private final Path cache;
    private boolean updated;

    Kernels(Path cache) {
        this.cache = cache;
    }

    /** The version {@code linux-image-cloud-amd64} depends on: Debian's current kernel. */
    synchronized String current() {
        for (int round = 0; round < 2; round++) {
            Exec.Result result = Exec.run(APT, List.of("apt-cache", "depends", "linux-image-" + FLAVOUR));
            Matcher m = VERSION.matcher(result.output());
            if (result.ok() && m.find()) {
                return m.group(1);
            }
            if (!updateOnce()) {
                break;
            }
        }
        throw new QemuException("apt-cache knows no package [linux-image-" + FLAVOUR + "], so the qemu provider has no kernel"
                + " to boot. Run apt-get update (as root), or name a kernel with multihost.qemu.kernel.");
    }

    /** Every version apt-cache lists, newest first. */
    synchronized List<String> versions() {
        Exec.Result result = Exec.run(APT, List.of("apt-cache", "search", "--names-only", "^linux-image-[0-9.]+-[0-9]+-" + FLAVOUR + "$"));
        List<String> found = new ArrayList<>();
        Matcher m = VERSION.matcher(result.output());
        while (m.find()) {
            if (!found.contains(m.group(1))) {
                found.add(m.group(1));
            }
        }
        found.sort(Comparator.comparingInt(Kernels::abi).reversed());
        return found;
    }

    /** The newest version older than {@code version} that can be fetched, if any. */
    synchronized Optional<String> previous(String version) {
        for (String candidate : versions()) {
            if (abi(candidate) < abi(version)) {
                try {
                    unpacked(candidate);
                    return Optional.of(candidate);
                } catch (QemuException e) {
                    LOG.info("Kernel [{}] cannot be fetched, trying an older one: {}", candidate, e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The unpacked package of {@code version}: {@code boot/vmlinuz-<version>} and
     * {@code lib/modules/<version>/} under the returned directory; fetched on first use.
     */
    synchronized Path unpacked(String version) {
        if (!VERSION.matcher("linux-image-" + version).matches()) {
            throw new QemuException("Kernel version [" + version + "] is not a Debian " + FLAVOUR + " kernel; name one such as"
                    + " [6.1.0-57-" + FLAVOUR + "] (apt-cache search linux-image- lists them).");
        }
        Path dir = cache.resolve("kernels").resolve(version);
        if (Files.isRegularFile(dir.resolve("boot").resolve("vmlinuz-" + version))) {
            return dir;
        }
        try {
            Path work = Files.createDirectories(cache.resolve("work"));
            Path download = Files.createTempDirectory(work, "download-");
            String pkg = "linux-image-" + version;
            Exec.Result got = Exec.run(APT, download, List.of("apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg));
            if (!got.ok() && updateOnce()) {
                got = Exec.run(APT, download, List.of("apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", pkg));
            }
            got.orThrow("Fetching kernel package [" + pkg + "]");
            Path deb;
            try (Stream<Path> files = Files.list(download)) {
                deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new QemuException("apt-get download left no .deb for [" + pkg + "] in [" + download + "]."));
            }
            Path unpack = Files.createTempDirectory(work, "unpack-");
            Exec.run(APT, List.of("dpkg-deb", "-x", deb.toString(), unpack.toString())).orThrow("Unpacking [" + deb + "]");
            Files.createDirectories(dir.getParent());
            try {
                Files.move(unpack, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
                // Another run unpacked it first.
                delete(unpack);
            }
            delete(download);
            LOG.info("Kernel [{}] fetched and unpacked into [{}]", version, dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not unpack kernel [" + version + "] into [" + dir + "]", e);
        }
    }

    /** Runs apt-get update once per provider, as root; false when it cannot. */
    private boolean updateOnce() {
        if (updated || !"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        updated = true;
        LOG.info("Running apt-get update to find Debian's kernel packages");
        return Exec.run(APT, List.of("apt-get", "update", "-q")).ok();
    }

    /** The ABI number of a version: 57 in {@code 6.1.0-57-cloud-amd64}. */
    static int abi(String version) {
        Matcher m = VERSION.matcher("linux-image-" + version);
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete [{}]: {}", dir, e.getMessage());
        }
    }
}
