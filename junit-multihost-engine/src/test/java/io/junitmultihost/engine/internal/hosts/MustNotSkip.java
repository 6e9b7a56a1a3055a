package io.junitmultihost.engine.internal.hosts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether a test that cannot set up its real environment must fail rather than skip (README,
 * "Tests are real"): on a CI system, and when running as root on Linux, where {@code ./mvnw -B verify}
 * installs what the tests need: the project's shared rule, with what the engine's tests need.
 */
public final class MustNotSkip {

    private MustNotSkip() {
    }

    /**
     * Fails (where {@link #reason()} says a test may not skip) or skips, saying why, when this machine
     * cannot run the lab: not root, or its tools missing.
     */
    public static void requireLab() {
        String problem = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            problem = "the lab needs root";
        } else {
            for (String tool : List.of("/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/unshare")) {
                if (!Files.isExecutable(Path.of(tool))) {
                    problem = "[" + tool + "] is missing; run scripts/install-prerequisites";
                }
            }
        }
        if (problem != null) {
            io.junitmultihost.testsupport.MustNotSkip.cannotRun("the lab cannot run here: " + problem);
        }
    }

    /**
     * Fails (where {@link #reason()} says a test may not skip) or skips, saying why, when this machine
     * cannot run the qemu provider's virtual machines: its packages missing.
     */
    public static void requireQemu() {
        String problem = null;
        for (String tool : List.of("/usr/bin/qemu-system-x86_64", "/bin/busybox", "/usr/sbin/sshd",
                "/usr/sbin/debugfs")) {
            if (!Files.isExecutable(Path.of(tool))) {
                problem = "[" + tool + "] is missing; run scripts/install-prerequisites";
            }
        }
        if (problem != null) {
            io.junitmultihost.testsupport.MustNotSkip.cannotRun("QEMU hosts cannot run here: " + problem);
        }
    }

    /** Why a test may not skip here; see the project's shared rule. */
    public static Optional<String> reason() {
        return io.junitmultihost.testsupport.MustNotSkip.reason();
    }
}
