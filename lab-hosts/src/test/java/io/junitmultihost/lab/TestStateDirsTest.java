package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestStateDirsTest {

    @Test
    void aCloneUnderTmpGetsItsStateUnderRunAndLeavesNoEmptyDirectoryThere() throws Exception {
        boolean there = Files.exists(TestStateDirs.RUN_BASE);
        Path state = Files.createDirectories(TestStateDirs.fresh("state", Path.of("/tmp/clone/lab-hosts/target")));
        assertThat(state.getParent()).isEqualTo(TestStateDirs.RUN_BASE);

        TestStateDirs.remove(state);

        assertThat(state).doesNotExist();
        if (!there) {
            assertThat(TestStateDirs.RUN_BASE).as("made for this test alone").doesNotExist();
        }
    }
}
