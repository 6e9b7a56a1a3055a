package io.junitmultihost.engine.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.MultiHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The script's path comes back as one shell word, whatever the remote home directory holds. */
class ClassSyncScriptWordTest {

    @Test
    void aPlainHomeGivesAPlainPath() {
        assertThat(ClassSync.scriptWord("h1", "/home/test\n")).isEqualTo("/home/test/.multihost/bin/mh-sync");
        assertThat(ClassSync.scriptWord("h1", "/\n")).isEqualTo("/.multihost/bin/mh-sync");
    }

    @Test
    void aHomeWithBlanksOrShellCharactersIsQuotedAndRunsAsOneWord() throws Exception {
        String word = ClassSync.scriptWord("h1", "/tmp/a b;$(touch x)\n");
        assertThat(word).isEqualTo("'/tmp/a b;$(touch x)/.multihost/bin/mh-sync'");
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf '<%s>' " + word + " next").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("</tmp/a b;$(touch x)/.multihost/bin/mh-sync><next>");
    }

    @Test
    void aHomeThatIsNotOneAbsolutePathIsRefusedNamingTheHost() {
        assertThatThrownBy(() -> ClassSync.scriptWord("h1", "welcome!\n/home/test\n"))
                .isInstanceOf(MultiHostException.class).hasMessageContaining("Host [h1] printed [welcome!\\n/home/test]");
        assertThatThrownBy(() -> ClassSync.scriptWord("h1", "relative\n")).isInstanceOf(MultiHostException.class);
    }
}
