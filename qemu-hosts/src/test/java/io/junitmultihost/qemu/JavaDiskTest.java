package io.junitmultihost.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java disk made from this JVM's own java.home, read back with debugfs as the guest would see it. */
class JavaDiskTest {

    @TempDir
    Path dir;

    @Test
    void theDiskHoldsThisJdkAtItsOwnPathWithTheLibrariesItLoadsAndNoLinksOut() throws Exception {
        Path home = Path.of(System.getProperty("java.home")).toRealPath();
        Path image = JavaDisk.create(home, dir.resolve("staging"), dir.resolve("java.img"));

        assertThat(debugfs(image, "cat /multihost/java-home").strip()).isEqualTo(home.toString());
        List<String> libraries = debugfs(image, "cat /multihost/libraries").lines().toList();
        assertThat(libraries).anyMatch(l -> l.endsWith("/libz.so.1")).allMatch(l -> l.startsWith("/") && !l.startsWith(home.toString()));
        assertThat(debugfs(image, "stat " + libraries.get(0))).contains("Type: regular");
        assertThat(debugfs(image, "stat " + home + "/bin/java")).contains("Type: regular");
        assertThat(debugfs(image, "stat " + home + "/lib/server/libjvm.so")).contains("Type: regular");
        // Debian links conf/security/java.security into /etc: on the disk it is the file itself.
        assertThat(debugfs(image, "stat " + home + "/conf/security/java.security")).contains("Type: regular");
        assertThat(Files.exists(dir.resolve("staging"))).as("the staging copy is removed").isFalse();
    }

    @Test
    void aJavaHomeWithoutBinJavaIsRefusedNamingTheSettingThatTurnsSharingOff() throws Exception {
        Path fake = Files.createDirectories(dir.resolve("not-a-jdk/lib"));
        assertThatThrownBy(() -> JavaDisk.create(fake.getParent(), dir.resolve("staging"), dir.resolve("java.img")))
                .isInstanceOf(QemuException.class).hasMessageContaining("has no bin/java")
                .hasMessageContaining(QemuHostProviderFactory.SHARE_JAVA + "=false");
    }

    private static String debugfs(Path image, String request) {
        String out = Exec.run(Duration.ofSeconds(30), List.of("debugfs", "-R", request, image.toString())).orThrow("debugfs " + request).output();
        // debugfs names itself on its first line (stderr, captured with the output).
        return out.startsWith("debugfs ") ? out.substring(out.indexOf('\n') + 1) : out;
    }
}
