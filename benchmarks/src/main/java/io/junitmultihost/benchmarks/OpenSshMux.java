package io.junitmultihost.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * OpenSSH's transport without a process per call: one long-lived passenger client of the
 * ControlMaster protocol ({@code openssh_mux.py}, Python 3) asks running masters for new session
 * channels, as {@code ssh -S PATH host cmd} does, and times each call itself, from connecting to
 * the control socket to the exit message. This is the figure beside the OpenSSH CLI's, which adds
 * starting an {@code ssh} process (and for fan-out {@code sh} and {@code xargs}) per call.
 */
final class OpenSshMux implements AutoCloseable {

    private final Process process;
    private final Writer requests;
    private final BufferedReader replies;

    private OpenSshMux(Process process) {
        this.process = process;
        this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the client for {@code command} on the masters at {@code controlPaths}. */
    static OpenSshMux start(Path scratch, String command, List<String> controlPaths) {
        try (InputStream script = OpenSshMux.class.getResourceAsStream("openssh_mux.py")) {
            Path file = scratch.resolve("openssh_mux.py");
            Files.write(file, script.readAllBytes());
            List<String> argv = new ArrayList<>(List.of(python(), file.toString(), command));
            argv.addAll(controlPaths);
            return new OpenSshMux(new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the OpenSSH passenger client: " + e.getMessage(), e);
        }
    }

    /** One call on master {@code index}; milliseconds. */
    double one(int index, Duration deadline) {
        return ask("one " + index, deadline);
    }

    /** One call on every master at once; milliseconds until the last exit. */
    double all(Duration deadline) {
        return ask("all", deadline);
    }

    private double ask(String request, Duration deadline) {
        try {
            requests.write(request + "\n");
            requests.flush();
            String reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return replies.readLine();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null || reply.startsWith("error")) {
                throw new IllegalStateException("The OpenSSH passenger client failed on [" + request + "]: " + reply);
            }
            return Long.parseLong(reply.strip()) / 1e6;
        } catch (IOException | ExecutionException e) {
            throw new IllegalStateException("The OpenSSH passenger client failed on [" + request + "]: " + e, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("The OpenSSH passenger client did not answer [" + request + "] within "
                    + deadline + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String python() {
        for (String candidate : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("python3 is not installed; install it (apt-get install python3) so that the"
                + " benchmark can drive OpenSSH's ControlMaster without a process per call.");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
