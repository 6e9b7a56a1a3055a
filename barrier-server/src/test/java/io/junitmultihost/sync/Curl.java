package io.junitmultihost.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real curl and real /bin/sh for the tests; fails (never skips) when they are missing. */
final class Curl {

    private Curl() {
    }

    /** The output (stdout then stderr) and exit status of a finished process. */
    static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    static Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        byte[][] result = new byte[2][];
        Thread t = new Thread(() -> {
            try {
                result[1] = err.readAllBytes();
            } catch (IOException e) {
                result[1] = new byte[0];
            }
        });
        t.start();
        result[0] = out.readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("[" + String.join(" ", command) + "] did not finish within 60 s.");
        }
        t.join(5000);
        return new Run(p.exitValue(), new String(result[0], StandardCharsets.UTF_8), new String(result[1], StandardCharsets.UTF_8));
    }

    /** curl with the token header (or without, when token is null), printing the status on the last line. */
    static Run curl(String token, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-w", "\n%{http_code}"));
        if (token != null) {
            cmd.add("-H");
            cmd.add("Authorization: Bearer " + token);
        }
        cmd.addAll(List.of(args));
        return run(Map.of(), cmd.toArray(new String[0]));
    }

    static String status(Run r) {
        String[] lines = r.out.split("\n");
        return lines[lines.length - 1];
    }
}
