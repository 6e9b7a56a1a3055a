package io.junitmultihost.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleMarkerTest {

    private static final String MARKER = "junit-multihost: sshd listens";

    @TempDir
    Path dir;

    @Test
    void anEarlierBootsMarkerDoesNotCountButOneWrittenInTwoPiecesAfterTheOffsetDoes() throws IOException {
        Path console = dir.resolve("console.log");
        append(console, "boot 1\n" + MARKER + "\nreboot: Restarting system\n");
        ConsoleMarker watch = new ConsoleMarker(console, ConsoleMarker.end(console), MARKER);

        assertThat(watch.seen()).isFalse();
        append(console, "boot 2\njunit-multihost: ss");
        assertThat(watch.seen()).isFalse();
        append(console, "hd listens\n");
        assertThat(watch.seen()).isTrue();
    }

    @Test
    void aConsoleNotWrittenYetHasNotShownIt() {
        Path console = dir.resolve("missing.log");

        assertThat(new ConsoleMarker(console, ConsoleMarker.end(console), MARKER).seen()).isFalse();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
