package io.junitmultihost.qemu;

import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one of the machine's programs (apt-get, dpkg-deb, mkfs.ext4, debugfs, ssh-keygen, ...)
 * with a deadline: arguments as a list (never through a shell), output and errors captured together.
 */
final class Exec {

    private static final Logger LOG = LoggerFactory.getLogger(Exec.class);

    /** What a finished program left: its exit code and its output (stdout and stderr together). */
    record Result(List<String> command, int exitCode, String output) {

        boolean ok() {
            return exitCode == 0;
        }

        /** This result, or a {@link QemuException} naming the command, its exit code and output. */
        Result orThrow(String what) {
            if (exitCode != 0) {
                throw new QemuException(what + " failed: command " + command + " exited with [" + exitCode + "]: ["
                        + shorten(output.strip()) + "].");
            }
            return this;
        }
    }

    private Exec() {
    }

    /** Runs {@code command} in {@code dir} (null: the current directory); a {@link QemuException} past {@code deadline}. */
    static Result run(Duration deadline, Path dir, List<String> command) {
        LOG.debug("Running {}", command);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new QemuException("Could not run " + command + ": [" + e.getMessage()
                    + "]. Install the qemu provider's packages (see docs/QEMU.md).", e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), QemuThreads.IO);
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new QemuException("Command " + command + " did not finish within [" + HumanDuration.of(deadline) + "]; it was killed.");
            }
            return new Result(command, process.exitValue(), output.get(Math.max(1000, deadline.toMillis()), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new QemuException("Interrupted while running " + command + ".", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new QemuException("Could not read the output of " + command + ".", e);
        }
    }

    static Result run(Duration deadline, List<String> command) {
        return run(deadline, null, command);
    }

    static String shorten(String text) {
        return text.length() <= 600 ? text : text.substring(0, 300) + " ... " + text.substring(text.length() - 300);
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
