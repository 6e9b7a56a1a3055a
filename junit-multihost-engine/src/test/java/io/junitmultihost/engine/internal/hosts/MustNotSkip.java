package io.junitmultihost.engine.internal.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether a test that cannot set up its real environment must fail rather than skip (README,
 * "Tests are real"): on a CI system, and when running as root on Linux, where {@code ./mvnw -B verify}
 * installs what the tests need. The same rule in every module's tests (each has its own copy).
 */
public final class MustNotSkip {

    /** Variables CI systems set, besides {@code CI=true}. */
    static final List<String> CI_VARIABLES = List.of("GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "TF_BUILD",
            "CIRCLECI", "TRAVIS", "TEAMCITY_VERSION", "BITBUCKET_BUILD_NUMBER");

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
            String why = problem;
            reason().ifPresent(reason -> Assertions.fail(reason + " and the lab cannot run here: " + why));
            Assumptions.abort("The lab cannot run here: " + problem);
        }
    }

    /**
     * Fails (where {@link #reason()} says a test may not skip) or skips, saying why, when this machine
     * cannot run the qemu provider's virtual machines: its packages missing.
     */
    public static void requireQemu() {
        String problem = null;
        for (String tool : List.of("/usr/bin/qemu-system-x86_64", "/bin/busybox", "/usr/sbin/dropbear", "/usr/lib/openssh/sftp-server",
                "/usr/sbin/debugfs")) {
            if (!Files.isExecutable(Path.of(tool))) {
                problem = "[" + tool + "] is missing; run scripts/install-prerequisites";
            }
        }
        if (problem != null) {
            String why = problem;
            reason().ifPresent(reason -> Assertions.fail(reason + " and QEMU hosts cannot run here: " + why));
            Assumptions.abort("QEMU hosts cannot run here: " + problem);
        }
    }

    /** Why a test may not skip here ("CI=true", "GITHUB_ACTIONS is set", "running as root on Linux"); empty where it may. */
    public static Optional<String> reason() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return Optional.of("CI=true");
        }
        for (String variable : CI_VARIABLES) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return Optional.of(variable + " is set");
            }
        }
        return rootOnLinux() ? Optional.of("running as root on Linux") : Optional.empty();
    }

    private static boolean rootOnLinux() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(line -> line.startsWith("Uid:") && line.split("\\s+")[2].equals("0"));
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
