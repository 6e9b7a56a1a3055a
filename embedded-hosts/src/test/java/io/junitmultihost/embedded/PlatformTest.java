package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.testsupport.MustNotSkip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each host command gets its own session and process group, by setsid or, without it, by Perl. */
class PlatformTest {

    @Test
    void commandsStartInANewSessionWhoseLeaderTheyAre() throws Exception {
        requireProcfs();
        assertThat(Platform.commandsGetOwnGroup()).isTrue();
        assertLeadsItsOwnSession(Platform.newSession());
    }

    @Test
    void perlStartsACommandInANewSessionWhereThereIsNoSetsid() throws Exception {
        requireProcfs();
        Path perl = Platform.find("perl").orElseThrow(() -> new AssertionError("This test needs perl (Debian's perl-base)."));
        assertLeadsItsOwnSession(List.of(perl.toString(), "-e", Platform.PERL_SETSID));
    }

    private static void assertLeadsItsOwnSession(List<String> prefix) throws Exception {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of("/bin/sh", "-c", "exec sleep 30"));
        Process process = new ProcessBuilder(argv).start();
        try {
            Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
            long end = System.nanoTime() + 10_000_000_000L;
            String text = Files.readString(stat);
            while (!text.contains("(sleep)") && System.nanoTime() < end) {
                Thread.sleep(10);
                text = Files.readString(stat);
            }
            assertThat(text).contains("(sleep)");
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            assertThat(Long.parseLong(fields[2])).as("process group").isEqualTo(process.pid());
            assertThat(Long.parseLong(fields[3])).as("session").isEqualTo(process.pid());
        } finally {
            process.destroyForcibly();
        }
    }

    private static void requireProcfs() {
        MustNotSkip.require(Platform.hasProcfs(), "this test needs Linux's /proc");
    }
}
