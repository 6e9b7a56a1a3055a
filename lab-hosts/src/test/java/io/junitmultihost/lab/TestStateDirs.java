package io.junitmultihost.lab;

import java.nio.file.Path;
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

    /** A fresh path named {@code prefix-<uuid>}, not yet made. */
    static Path fresh(String prefix) {
        Path target = Path.of("target").toAbsolutePath();
        boolean refused = REFUSED.stream().anyMatch(name -> target.startsWith(Path.of("/", name)));
        Path base = refused ? Path.of("/run", "junit-multihost-lab-tests") : target;
        return base.resolve(prefix + "-" + UUID.randomUUID());
    }
}
