package io.junitmultihost.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;

/** Where the test kit lets engines write the files they attach: a fresh directory per node under {@code root}. */
final class TempOutputDirectories implements OutputDirectoryCreator {

    private final Path root;

    TempOutputDirectories(Path root) {
        this.root = root;
    }

    @Override
    public Path getRootDirectory() {
        return root;
    }

    @Override
    public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
        return Files.createTempDirectory(root, "test");
    }
}
