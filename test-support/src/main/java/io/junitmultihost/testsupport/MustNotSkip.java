package io.junitmultihost.testsupport;

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
 * installs what the tests need. The same rule in every module's tests.
 */
public final class MustNotSkip {

    /** Variables CI systems set, besides {@code CI=true}. */
    public static final List<String> CI_VARIABLES = List.of("GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "TF_BUILD",
            "CIRCLECI", "TRAVIS", "TEAMCITY_VERSION", "BITBUCKET_BUILD_NUMBER");

    private MustNotSkip() {
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

    /**
     * Fails, where a test may not skip ({@link #reason()}), or else skips the test, saying that
     * {@code problem} keeps it from running here.
     */
    public static void cannotRun(String problem) {
        reason().ifPresent(reason -> Assertions.fail(reason + " and " + problem));
        Assumptions.abort(problem);
    }

    /** As {@link #cannotRun(String)} unless {@code possible}: a test's own precondition, never a silent skip in CI. */
    public static void require(boolean possible, String problem) {
        if (!possible) {
            cannotRun(problem);
        }
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
