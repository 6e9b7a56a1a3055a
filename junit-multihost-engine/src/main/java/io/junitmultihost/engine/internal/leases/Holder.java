package io.junitmultihost.engine.internal.leases;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Who holds a lease, as written into the lease for other runs' messages. Internal. */
final class Holder {

    private static final String MACHINE = machine();

    private Holder() {
    }

    /** {@code pid 4711 on [ci-7], class [a.B], since 2026-01-02T10:00:00Z}. */
    static String of(String owner) {
        return "pid " + ProcessHandle.current().pid() + " on [" + MACHINE + "], class [" + owner + "], since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    /** The machine's name without asking DNS (which may hang): the kernel's, then the environment's. */
    private static String machine() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the environment may say
        }
        for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String name = System.getenv(variable);
            if (name != null && !name.isBlank()) {
                return name.strip();
            }
        }
        return "this machine";
    }
}
