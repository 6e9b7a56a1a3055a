package io.junitmultihost.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The resident agent's OpenSSH peer: one long-lived {@code ssh} session through a ControlMaster
 * running a shell read loop, which starts each command line under {@code sh -c} (as the agent does)
 * and answers its exit status. No process is started on this machine per command and no channel
 * is opened, so it measures OpenSSH's transport doing what the agent does over JSch.
 */
final class OpenSshShellLoop implements AutoCloseable {

    /** Per line: the command under its own sh, stdin from /dev/null, then its status. */
    private static final String LOOP = "while IFS= read -r l; do sh -c \"$l\" </dev/null; echo \"rc $?\"; done";

    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    /** Starts {@code sshArgv} (an {@link SshBenchSupport#ssh} command line ending in the target) with the loop. */
    OpenSshShellLoop(List<String> sshArgv) {
        List<String> argv = new ArrayList<>(sshArgv);
        argv.add("sh -c '" + LOOP + "'");
        try {
            process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start " + argv + ": " + e.getMessage(), e);
        }
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Runs one command line; its duration in nanoseconds. Fails on a non-zero status. */
    long exec(String commandLine, Duration deadline) {
        long started = System.nanoTime();
        try {
            in.write(commandLine + "\n");
            in.flush();
            String reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            long took = System.nanoTime() - started;
            if (!"rc 0".equals(reply)) {
                throw new IllegalStateException("[" + commandLine + "] through the OpenSSH shell loop answered [" + reply + "].");
            }
            return took;
        } catch (IOException | ExecutionException e) {
            throw new IllegalStateException("The OpenSSH shell loop failed: " + e, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("The OpenSSH shell loop did not answer within " + deadline + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
