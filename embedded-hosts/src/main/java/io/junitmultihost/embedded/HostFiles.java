package io.junitmultihost.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * One host's directories under the provider's temporary directory: {@code home} (its HOME and
 * working directory), {@code bin} (its shims, first on its PATH) and {@code boot} (its boot id,
 * kernel command line and the reboot requests its shims leave for the provider).
 */
final class HostFiles {

    private final String host;
    private final Path home;
    private final Path bin;
    private final Path boot;

    private HostFiles(String host, Path root) {
        this.host = host;
        this.home = root.resolve("home");
        this.bin = root.resolve("bin");
        this.boot = root.resolve("boot");
    }

    /** Creates the directories of {@code host} under {@code providerRoot} and writes its shims. */
    static HostFiles create(Path providerRoot, String host) {
        HostFiles files = new HostFiles(host, providerRoot.resolve(host));
        try {
            Files.createDirectories(files.home);
            Files.createDirectories(files.bin);
            Files.createDirectories(files.boot);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the directories of embedded host [" + host + "] under [" + providerRoot + "].", e);
        }
        Shims.write(files);
        return files;
    }

    String host() {
        return host;
    }

    Path home() {
        return home;
    }

    Path bin() {
        return bin;
    }

    Path bootDir() {
        return boot;
    }

    Path bootIdFile() {
        return boot.resolve("boot_id");
    }

    Path cmdlineFile() {
        return boot.resolve("cmdline");
    }

    /** Written by commands on the host to change the command line of its next boots. */
    Path nextCmdlineFile() {
        return boot.resolve("next-cmdline");
    }

    /** Left by the power shims: one line, {@code reboot} or {@code poweroff}. */
    Path requestFile() {
        return boot.resolve("request");
    }

    /** Writes what {@code /proc/sys/kernel/random/boot_id} and {@code /proc/cmdline} show during this boot. */
    void writeBoot(String bootId, String cmdline) {
        writeAtomically(bootIdFile(), bootId + "\n");
        writeAtomically(cmdlineFile(), cmdline + "\n");
    }

    /** The command line a command on the host asked for, if it wrote one (first line, trimmed). */
    Optional<String> requestedCmdline() {
        try {
            String text = Files.readString(nextCmdlineFile(), StandardCharsets.UTF_8);
            String line = text.lines().findFirst().orElse("").strip();
            return line.isEmpty() ? Optional.empty() : Optional.of(line);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** Takes a pending power request left by a shim, removing it; empty when there is none. */
    Optional<String> takeRequest() {
        Path request = requestFile();
        if (!Files.exists(request)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(request, StandardCharsets.UTF_8).strip();
            Files.deleteIfExists(request);
            return Optional.of(text);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void writeAtomically(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write [" + file + "].", e);
        }
    }
}
