package io.junitmultihost.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTest {

    @Test
    void aHugeCommandShowsOnlyABoundedPrefixInMessages() {
        String huge = "x".repeat(274_000);

        assertThat(Command.shell(huge).toString()).hasSizeLessThan(300).startsWith("xxxx")
                .endsWith("... (273800 more bytes)");
        assertThat(Command.of(List.of("printf", huge)).toString()).hasSizeLessThan(300).startsWith("printf xxx");
    }

    @Test
    void aShortCommandShowsInFull() {
        assertThat(Command.of("echo", "hi there").toString()).isEqualTo("echo hi there");
        assertThat(Command.shell("ps -e | wc -l").toString()).isEqualTo("ps -e | wc -l");
    }
}
