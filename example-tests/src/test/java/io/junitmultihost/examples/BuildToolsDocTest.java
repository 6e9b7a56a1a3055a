package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/**
 * docs/BUILD-TOOLS.md kept honest where it can be without Gradle: its Maven block is well-formed
 * XML naming the versions this build uses (JUnit, Failsafe as Surefire, the engine's own), and its
 * Gradle script names the same JUnit and engine versions and the launcher, JUnit Platform and
 * forwarding lines that the page says it needs.
 */
class BuildToolsDocTest {

    private static final Path DOC = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("BUILD-TOOLS.md");
    private static final Path ROOT_POM = DOC.getParent().resolveSibling("pom.xml");

    @Test
    void theMavenFailsafeBlockIsWellFormedAndNamesTheBuildsVersions() throws Exception {
        String pom = Files.readString(ROOT_POM, StandardCharsets.UTF_8);
        String xml = block("xml");

        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(("<project>" + xml + "</project>").getBytes(StandardCharsets.UTF_8)));
        assertThat(xml).contains("<artifactId>junit-bom</artifactId>\n      <version>" + property(pom, "junit.version") + "</version>")
                .contains("<artifactId>junit-multihost-engine</artifactId>\n    <version>" + projectVersion(pom) + "</version>")
                .contains("<artifactId>maven-failsafe-plugin</artifactId>\n      <version>"
                        + pluginVersion(pom, "maven-surefire-plugin") + "</version>")
                .contains("<goal>integration-test</goal>", "<goal>verify</goal>");
    }

    @Test
    void theGradleScriptNamesTheBuildsVersionsTheLauncherAndForwardsTheSettings() throws Exception {
        String pom = Files.readString(ROOT_POM, StandardCharsets.UTF_8);
        String kotlin = block("kotlin");

        assertThat(kotlin).contains("platform(\"org.junit:junit-bom:" + property(pom, "junit.version") + "\")")
                .contains("\"io.junitmultihost:junit-multihost-engine:" + projectVersion(pom) + "\"")
                .contains("testRuntimeOnly(\"org.junit.platform:junit-platform-launcher\")")
                .contains("useJUnitPlatform()")
                .contains("it.startsWith(\"multihost.\")", "systemProperties(forwarded)")
                .contains("JavaLanguageVersion.of(" + property(pom, "maven.compiler.release") + ")");
    }

    private static String block(String language) throws Exception {
        Matcher m = Pattern.compile("^```" + language + "\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL)
                .matcher(Files.readString(DOC, StandardCharsets.UTF_8));
        if (!m.find()) {
            fail(DOC + " has no ```" + language + " block.");
        }
        return m.group(1);
    }

    private static String projectVersion(String pom) {
        Matcher m = Pattern.compile("<artifactId>junit-multihost-parent</artifactId>\\s*<version>([^<]+)<").matcher(pom);
        if (!m.find()) {
            fail("The root pom " + ROOT_POM + " gives no version.");
        }
        return m.group(1);
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        if (!m.find()) {
            fail("The root pom " + ROOT_POM + " has no property [" + name + "].");
        }
        return m.group(1);
    }

    private static String pluginVersion(String pom, String artifactId) {
        Matcher m = Pattern.compile("<artifactId>" + Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<]+)<")
                .matcher(pom);
        if (!m.find()) {
            fail("The root pom " + ROOT_POM + " gives no version of [" + artifactId + "].");
        }
        return m.group(1);
    }
}
