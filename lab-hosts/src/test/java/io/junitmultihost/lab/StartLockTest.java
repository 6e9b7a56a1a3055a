package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab start lock is taken within a deadline; a start that waits too long names the lock file and its holder. */
class StartLockTest {

    /** Another JVM that takes the lock as a lab start does, says so, and holds it until its stdin closes. */
    private static Process holder(Path file) throws Exception {
        Path source = file.resolveSibling("Holder.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Holder {
                    public static void main(String[] a) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.READ,
                                StandardOpenOption.WRITE);
                        c.lock();
                        c.truncate(0);
                        c.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\\n").getBytes()), 0);
                        System.out.println("locked");
                        System.in.read();
                    }
                }
                """);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), source.toString(),
                file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("locked");
        return p;
    }

    @Test
    void aLockHeldElsewhereFailsWithinTheDeadlineNamingTheFileAndTheHolder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".lock");
        Process other = holder(file);
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> StartLock.take(file, Duration.ofMillis(500)).close())
                    .isInstanceOf(LabException.class)
                    .hasMessageContaining("Could not take the lab start lock [" + file + "] within [500 ms]")
                    .hasMessageContaining("held by process [" + other.pid() + "]");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        } finally {
            other.getOutputStream().close();
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (StartLock lock = StartLock.take(file, Duration.ofSeconds(5))) {
            assertThat(Files.readString(file)).isEqualTo("pid " + ProcessHandle.current().pid() + "\n");
        }
    }

    @Test
    void startsInOneJvmTakeTurns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".lock");
        try (StartLock first = StartLock.take(file, Duration.ofSeconds(5))) {
            java.util.concurrent.CompletableFuture<Throwable> second = new java.util.concurrent.CompletableFuture<>();
            new Thread(() -> {
                try {
                    StartLock.take(file, Duration.ofMillis(200)).close();
                    second.complete(null);
                } catch (Throwable e) {
                    second.complete(e);
                }
            }).start();
            assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(LabException.class)
                    .hasMessageContaining("another lab start in this JVM");
        }
        StartLock.take(file, Duration.ofSeconds(1)).close();
    }
}
