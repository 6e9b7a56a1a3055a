package io.junitmultihost.lab;

import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one of the machine's programs (ip, nft, tc, ssh-keygen, ssh, ...) with a deadline, the
 * way the lab uses them: arguments as a list (never through a shell), optional standard input,
 * output and errors captured together.
 */
final class Exec {

    private static final Logger LOG = LoggerFactory.getLogger(Exec.class);

    /** What a finished program left: its exit code and its output (stdout and stderr together). */
    record Result(List<String> command, int exitCode, String output) {

        boolean ok() {
            return exitCode == 0;
        }

        /** This result, or a {@link LabException} naming the command, its exit code and output. */
        Result orThrow(String what) {
            if (exitCode != 0) {
                throw new LabException(what + " failed: command " + command + " exited with [" + exitCode + "]: ["
                        + output.strip() + "].");
            }
            return this;
        }
    }

    private Exec() {
    }

    /** Runs {@code command} with no input; fails with {@link LabException} past {@code deadline}. */
    static Result run(Duration deadline, List<String> command) {
        return run(deadline, command, null);
    }

    /** Runs {@code command}, writing {@code input} (when not null) to its standard input. */
    static Result run(Duration deadline, List<String> command, String input) {
        return run(deadline, command, input, null);
    }

    /** Runs {@code command} as {@link #run(Duration, List, String)} does, with only {@code environment} (when not null) as its environment. */
    static Result run(Duration deadline, List<String> command, String input, Map<String, String> environment) {
        LOG.debug("Running {}", command);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LabException("Could not run " + command + ": [" + e.getMessage()
                    + "]. Install the lab's packages (see docs/LAB.md).", e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), LabThreads.IO);
        try (OutputStream in = process.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The program exited without reading its input; its exit code tells the rest.
        }
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new LabException("Command " + command + " did not finish within [" + HumanDuration.of(deadline) + "]; it was killed.");
            }
            return new Result(command, process.exitValue(), output.get(Math.max(1000, deadline.toMillis()), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LabException("Interrupted while running " + command + ".", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new LabException("Could not read the output of " + command + ".", e);
        }
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
