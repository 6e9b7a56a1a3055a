package io.junitmultihost.qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One guest's boot disk: a small ext4 image (no journal) the guest mounts at {@code /boot}, with
 * its kernels ({@code vmlinuz-<version>}, {@code initrd.img-<version>}), its keys and name
 * ({@code etc/}), and its boot loader's entries ({@code loader/}). The provider reads and edits it
 * with debugfs only while the virtual machine is off, as firmware reads a disk before the OS runs.
 *
 * <p>The boot loader, GRUB's semantics in four files: {@code loader/default-kernel} and
 * {@code loader/default-cmdline} are used for every boot; {@code loader/next-kernel} and
 * {@code loader/next-cmdline}, when present, for the next boot only (they are removed as that
 * boot starts, as {@code grub-reboot}'s entry is).
 */
final class BootDisk {

    static final String DEFAULT_KERNEL = "loader/default-kernel";
    static final String DEFAULT_CMDLINE = "loader/default-cmdline";
    static final String NEXT_KERNEL = "loader/next-kernel";
    static final String NEXT_CMDLINE = "loader/next-cmdline";

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final String SIZE = "256M";

    /** What one boot starts: the kernel version and files, the command line, and what chose them. */
    record Entry(String kernel, Path vmlinuz, Path initrd, String cmdline, String source) {
    }

    private final Path image;

    private BootDisk(Path image) {
        this.image = image;
    }

    /** Makes the disk image {@code image} holding what is in {@code content}. */
    static BootDisk create(Path image, Path content) {
        Exec.run(STEP, List.of("mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-L", "boot", "-d", content.toString(), image.toString(), SIZE))
                .orThrow("Making the boot disk [" + image + "]");
        return new BootDisk(image);
    }

    Path image() {
        return image;
    }

    /**
     * Reads the entry for the next boot and removes the one-time files, as a boot loader does;
     * the kernel and initramfs are copied into {@code run}. A one-time kernel that is not on the
     * disk is skipped for the default one (GRUB falls back the same way), with the reason in
     * {@link Entry#source()}.
     *
     * @throws QemuException when the default kernel is missing too, or the disk is damaged
     */
    Entry nextBoot(Path run) {
        repair();
        Path loader = directory(run.resolve("loader"));
        List<String> script = new ArrayList<>();
        for (String file : List.of(DEFAULT_KERNEL, DEFAULT_CMDLINE, NEXT_KERNEL, NEXT_CMDLINE)) {
            Path local = loader.resolve(Path.of(file).getFileName());
            delete(local);
            script.add("dump /" + file + " " + local);
        }
        debugfs(script, false);
        Optional<String> nextKernel = read(loader.resolve("next-kernel"));
        Optional<String> nextCmdline = read(loader.resolve("next-cmdline"));
        String defaultKernel = read(loader.resolve("default-kernel")).orElseThrow(() -> new QemuException(
                "The boot disk [" + image + "] has no [" + DEFAULT_KERNEL + "]: the guest's boot loader has no default entry to boot."));
        String cmdline = nextCmdline.or(() -> read(loader.resolve("default-cmdline"))).orElse("");
        List<String> consumed = new ArrayList<>();
        nextKernel.ifPresent(k -> consumed.add("rm /" + NEXT_KERNEL));
        nextCmdline.ifPresent(c -> consumed.add("rm /" + NEXT_CMDLINE));
        if (!consumed.isEmpty()) {
            debugfs(consumed, true);
        }
        String source = nextKernel.isPresent() || nextCmdline.isPresent() ? "one-time entry" : "default entry";
        if (nextKernel.isPresent()) {
            Optional<Entry> chosen = files(nextKernel.get(), cmdline, source, run);
            if (chosen.isPresent()) {
                return chosen.get();
            }
            source = "default entry: the one-time kernel [" + nextKernel.get() + "] is not on the boot disk";
        }
        String why = source;
        return files(defaultKernel, cmdline, source, run).orElseThrow(() -> new QemuException("The boot disk [" + image
                + "] has no [vmlinuz-" + defaultKernel + "] or [initrd.img-" + defaultKernel + "], the default kernel (" + why + ")."));
    }

    /** Reads one file of the disk ({@code path} relative to its root), if present. */
    Optional<String> read(String path, Path scratch) {
        Path local = scratch.resolve("read-" + Path.of(path).getFileName());
        delete(local);
        debugfs(List.of("dump /" + path + " " + local), false);
        Optional<String> text = read(local);
        delete(local);
        return text;
    }

    private Optional<Entry> files(String kernel, String cmdline, String source, Path run) {
        Path vmlinuz = run.resolve("vmlinuz");
        Path initrd = run.resolve("initrd.img");
        delete(vmlinuz);
        delete(initrd);
        debugfs(List.of("dump /vmlinuz-" + kernel + " " + vmlinuz, "dump /initrd.img-" + kernel + " " + initrd), false);
        if (!Files.isRegularFile(vmlinuz) || !Files.isRegularFile(initrd)) {
            return Optional.empty();
        }
        return Optional.of(new Entry(kernel, vmlinuz, initrd, cmdline, source));
    }

    /** Repairs what a power cut left (the guest's writes may be half done); fails on damage fsck cannot fix. */
    private void repair() {
        Exec.Result fsck = Exec.run(STEP, List.of("e2fsck", "-p", image.toString()));
        if (fsck.exitCode() >= 4) {
            throw new QemuException("The boot disk [" + image + "] is damaged beyond e2fsck -p: exit [" + fsck.exitCode()
                    + "], [" + Exec.shorten(fsck.output().strip()) + "].");
        }
    }

    /** Runs {@code commands} in one debugfs call (read-only unless {@code write}). */
    private void debugfs(List<String> commands, boolean write) {
        Path script = image.resolveSibling(image.getFileName() + ".debugfs");
        try {
            Files.writeString(script, String.join("\n", commands) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("debugfs"));
        if (write) {
            command.add("-w");
        }
        command.addAll(List.of("-f", script.toString(), image.toString()));
        Exec.run(STEP, command).orThrow("Reading the boot disk [" + image + "] with " + commands);
        delete(script);
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()).filter(s -> !s.isEmpty())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
