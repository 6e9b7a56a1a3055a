package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.fixtures.PairFixture;
import io.junitmultihost.engine.internal.MultiHostTestEngine;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestEngine;

/**
 * The engine on a JUnit Platform older than it needs (1.14 with Jupiter 5.14, as a BOM that pins JUnit 5 brings):
 * discovery in a child JVM whose class path has that Platform (copied to target/older-platform by
 * the build) reports a clear message naming the versions, not a linkage error. The same run on
 * this build's Platform discovers the tests, so the harness itself is sound.
 */
class OlderPlatformTest {

    private static final Path OLDER = Path.of("target", "older-platform");

    @Test
    void onPlatform114DiscoverySaysWhichPlatformTheEngineNeedsInsteadOfALinkageError() throws Exception {
        assertThat(OLDER).as("the build copies JUnit Platform 1.14 there (maven-dependency-plugin, generate-test-resources)")
                .isDirectoryContaining("glob:**/junit-platform-engine-1.14.4.jar");
        List<String> classPath = new ArrayList<>(ours());
        try (Stream<Path> jars = Files.list(OLDER)) {
            jars.map(Path::toString).sorted().forEach(classPath::add);
        }

        // Executed too where discovery passes: without the check, the run got as far as a linkage error.
        String out = discover(classPath, "execute").output();

        // Platform 1.14 makes a failed discovery fatal: the launcher throws, naming the engine, with our message as the cause.
        assertThat(out).contains("TestEngine with ID 'multihost' failed to discover tests")
                .contains("Caused by: " + ConfigurationException.class.getName() + ": junit-multihost [development] needs JUnit Platform [6.0.0]"
                        + " or later, but the class path has JUnit Platform [1.14.4]")
                .contains("import org.junit:junit-bom 6.x")
                .doesNotContain("LinkageError", "NoSuchMethodError", "NoClassDefFoundError", "AbstractMethodError");
        // Maven Surefire shows only the launcher's own line on the console and hides the cause in a
        // .dump file: the message is printed on standard error too, on a line of its own.
        assertThat(out).containsPattern("(?m)^junit-multihost \\[development\\] needs JUnit Platform \\[6\\.0\\.0\\] or later.*"
                + "import org\\.junit:junit-bom 6\\.x");
    }

    @Test
    void onThisBuildsPlatformTheSameHarnessDiscoversTheTests() throws Exception {
        List<String> classPath = new ArrayList<>(ours());
        for (Class<?> platform : List.of(TestEngine.class, org.junit.jupiter.api.Tag.class, org.junit.platform.launcher.Launcher.class,
                org.junit.platform.commons.util.Preconditions.class, org.opentest4j.TestAbortedException.class,
                org.apiguardian.api.API.class)) {
            classPath.add(location(platform));
        }

        Child child = discover(classPath);

        assertThat(child.exitCode()).as(child.output()).isZero();
        assertThat(child.output()).contains("discovered tests: 1").doesNotContain("needs JUnit Platform");
    }

    /** The engine's classes, the API's, SLF4J, and these test classes (the main and the fixture): nothing of JUnit's. */
    private static List<String> ours() {
        return List.of(location(MultiHostTestEngine.class), location(ConfigurationException.class), location(OlderPlatformTest.class),
                location(org.slf4j.LoggerFactory.class));
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Child(int exitCode, String output) {
    }

    private static Child discover(List<String> classPath, String... more) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", String.join(File.pathSeparator, classPath),
                OlderPlatformMain.class.getName(), PairFixture.class.getName()));
        command.addAll(List.of(more));
        Path log = Files.createTempFile("older-platform", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended within 60 s").isTrue();
            } finally {
                process.destroyForcibly();
            }
            return new Child(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
