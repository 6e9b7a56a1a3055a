package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StateDirCheckTest {

    /** Not /tmp: hosts mount their own over it, so it is refused before anything else is looked at. */
    private final Path temp = TestStateDirs.fresh("state-check");

    @AfterEach
    void removeTemp() {
        TestStateDirs.remove(temp);
    }

    @Test
    void theMachinesRootAndSharedTopLevelDirectoriesAreRefused() {
        for (String dir : new String[] {"/", "/run", "/mnt", "/media"}) {
            assertThatThrownBy(() -> Lab.checkStateDir(Path.of(dir)))
                    .as(dir).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("[" + dir + "]").hasMessageContaining(LabOptions.DEFAULT_STATE_DIR);
        }
    }

    @Test
    void directoriesHostsMountTheirOwnOverAreRefused() {
        assertThatThrownBy(() -> Lab.checkStateDir(Path.of("/var/lib/lab"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("inside [/var]");
    }

    @Test
    void theRegistryIsRefused() {
        assertThatThrownBy(() -> Lab.checkStateDir(Leftovers.REGISTRY)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("registry");
    }

    @Test
    void aDirectoryOthersMayWriteToIsRefused() throws Exception {
        Path shared = Files.createDirectories(temp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> Lab.checkStateDir(shared)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[" + shared + "]").hasMessageContaining("mode [777]").hasMessageContaining("chmod go-w");
    }

    @Test
    void aFileIsRefused() throws Exception {
        Files.createDirectories(temp);
        Path file = Files.writeString(temp.resolve("file"), "x");
        assertThatThrownBy(() -> Lab.checkStateDir(file)).isInstanceOf(ConfigurationException.class).hasMessageContaining("not a directory");
    }

    @Test
    void theDefaultAndANewOrPrivateDirectoryAreAccepted() throws Exception {
        assertThatCode(() -> Lab.checkStateDir(Path.of(LabOptions.DEFAULT_STATE_DIR))).doesNotThrowAnyException();
        assertThatCode(() -> Lab.checkStateDir(Path.of("/run/junit-multihost-lab-elsewhere/not-yet"))).doesNotThrowAnyException();
        Path own = Files.createDirectories(temp.resolve("own"));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(own).isDirectory();
        assertThatCode(() -> Lab.checkStateDir(own)).doesNotThrowAnyException();
    }
}
