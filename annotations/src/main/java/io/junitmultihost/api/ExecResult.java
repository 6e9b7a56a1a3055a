package io.junitmultihost.api;

import io.junitmultihost.spi.HumanDuration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** What a remote command did: exit code, output and how long it took. Immutable. */
public final class ExecResult {

    private final String host;
    private final String command;
    private final int exitCode;
    private final byte[] stdout;
    private final byte[] stderr;
    private final Duration duration;

    /**
     * @param host the host's name
     * @param command the command as shown in messages
     * @param exitCode the remote exit code
     * @param stdout the bytes written to standard output
     * @param stderr the bytes written to standard error
     * @param duration the time from sending the command to its exit
     */
    public ExecResult(String host, String command, int exitCode, byte[] stdout, byte[] stderr, Duration duration) {
        this.host = Objects.requireNonNull(host, "host");
        this.command = Objects.requireNonNull(command, "command");
        this.exitCode = exitCode;
        this.stdout = stdout.clone();
        this.stderr = stderr.clone();
        this.duration = Objects.requireNonNull(duration, "duration");
    }

    /** The name of the host the command ran on. */
    public String host() {
        return host;
    }

    /** The command as shown in messages. */
    public String command() {
        return command;
    }

    /** The exit code; 0 means success. */
    public int exitCode() {
        return exitCode;
    }

    /** Whether the exit code is 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Standard output decoded as UTF-8 (malformed bytes replaced). */
    public String stdout() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Standard error decoded as UTF-8 (malformed bytes replaced). */
    public String stderr() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** Standard output as raw bytes, for binary output. */
    public byte[] stdoutBytes() {
        return stdout.clone();
    }

    /** Standard error as raw bytes. */
    public byte[] stderrBytes() {
        return stderr.clone();
    }

    /** Standard output's lines, without line terminators. */
    public List<String> stdoutLines() {
        return stdout().lines().toList();
    }

    /** How long the command took. */
    public Duration duration() {
        return duration;
    }

    /**
     * Returns this result when the exit code is 0, otherwise throws a {@link RemoteCommandException}
     * naming host, command, exit code and the end of standard error.
     */
    public ExecResult assertSuccess() {
        if (exitCode != 0) {
            throw new RemoteCommandException(this);
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecResult r && exitCode == r.exitCode && host.equals(r.host)
                && command.equals(r.command) && Arrays.equals(stdout, r.stdout)
                && Arrays.equals(stderr, r.stderr) && duration.equals(r.duration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, command, exitCode, Arrays.hashCode(stdout), duration);
    }

    @Override
    public String toString() {
        return "ExecResult[host=" + host + ", command=" + command + ", exitCode=" + exitCode
                + ", stdout=" + stdout.length + " bytes, stderr=" + stderr.length + " bytes, duration="
                + HumanDuration.of(duration) + "]";
    }
}
