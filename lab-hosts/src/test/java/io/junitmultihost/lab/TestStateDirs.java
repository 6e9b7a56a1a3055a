package io.junitmultihost.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Where tests lay out custom state directories: the module's {@code target}, unless the project
 * itself lies where the lab refuses state (a clone under {@code /tmp}, {@code /root} or
 * {@code /home}, which hosts mount their own over); then under {@code /run}. Each test removes its own.
 */
final class TestStateDirs {

    private static final List<String> REFUSED = List.of("etc", "opt", "var", "usr", "boot", "srv", "home", "root",
            "tmp", "proc", "sys", "dev");

    private TestStateDirs() {
    }

    /** Where state directories go when the project lies where the lab refuses state. */
    static final Path RUN_BASE = Path.of("/run", "junit-multihost-lab-tests");

    /** A fresh path named {@code prefix-<uuid>}, not yet made. */
    static Path fresh(String prefix) {
        return fresh(prefix, Path.of("target").toAbsolutePath());
    }

    /** A fresh path named {@code prefix-<uuid>} for a module whose build directory is {@code target}. */
    static Path fresh(String prefix, Path target) {
        boolean refused = REFUSED.stream().anyMatch(name -> target.startsWith(Path.of("/", name)));
        Path base = refused ? RUN_BASE : target;
        return base.resolve(prefix + "-" + UUID.randomUUID());
    }

    /**
     * Removes {@code dir} (as {@code rm -rf --one-file-system}) with {@code dir-outside}, and then
     * {@link #RUN_BASE} when it was made for them and is empty now.
     */
    static void remove(Path dir) {
        Exec.run(Duration.ofSeconds(30), List.of("rm", "-rf", "--one-file-system", dir.toString(), dir + "-outside"));
        if (dir.getParent().equals(RUN_BASE)) {
            try {
                Files.deleteIfExists(RUN_BASE);
            } catch (DirectoryNotEmptyException others) {
                // another test's directory is still in it: the last one removes it
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
