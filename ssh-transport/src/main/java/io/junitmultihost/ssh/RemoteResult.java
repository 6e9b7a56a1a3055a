package io.junitmultihost.ssh;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a finished remote command left: its exit code (128+N when killed by signal N), the bytes it
 * wrote to stdout and stderr (raw, possibly not UTF-8; truncated at the pool's capture limit), and
 * how long it took.
 */
public record RemoteResult(int exitCode, byte[] stdout, byte[] stderr, Duration duration) {

    /** Validates and keeps the values; the arrays are owned by the record afterwards. */
    public RemoteResult {
        if (stdout == null || stderr == null || duration == null) {
            throw new IllegalArgumentException("stdout, stderr and duration must not be null.");
        }
    }

    /** stdout decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** stderr decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** Whether the exit code is 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RemoteResult that
                && exitCode == that.exitCode
                && java.util.Arrays.equals(stdout, that.stdout)
                && java.util.Arrays.equals(stderr, that.stderr)
                && duration.equals(that.duration);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(exitCode, java.util.Arrays.hashCode(stdout), java.util.Arrays.hashCode(stderr),
                duration);
    }

    @Override
    public String toString() {
        return "RemoteResult[exitCode=" + exitCode + ", stdout=" + stdout.length + " bytes, stderr="
                + stderr.length + " bytes, duration=" + duration + "]";
    }
}
