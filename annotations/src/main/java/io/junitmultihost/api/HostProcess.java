package io.junitmultihost.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A process started on a host by {@link Host#start(Command)} or {@link Host#startDetached(Command)}
 * and possibly still running: TETware's {@code tet_remexec} handle, with {@code tet_remwait} as
 * {@link #waitFor(Duration)} and {@code tet_remkill} as {@link #kill()}. Thread-safe.
 *
 * <p>The command runs in a process group of its own; {@link #pid()} is that group's id, and
 * {@link #signal(String)} and {@link #kill()} reach the whole group and its descendants. A process
 * belongs to the test class that started it: it is killed when the class ends if it still runs.
 *
 * <pre>{@code
 * HostProcess server = host.start(Command.of("my-server", "--port", "7000"));
 * // ... test against it ...
 * server.signal("TERM");
 * ExecResult result = server.waitFor(Duration.ofSeconds(10));
 * }</pre>
 */
public interface HostProcess {

    /** The host it runs on; never null. */
    Host host();

    /**
     * Its id: for a detached process, what {@link Host#process(String)} finds it by again (in this
     * or a later run); for an attached one, unique within the run.
     */
    String id();

    /** The command as the remote shell reads it. */
    String command();

    /** Whether it was started with {@link Host#startDetached(Command)}. */
    boolean isDetached();

    /** The id of its process group on the host (the group leader's pid). */
    long pid();

    /** Whether it still runs: false once it exited, was killed, or its host rebooted. */
    boolean isAlive();

    /**
     * Waits until it ends and returns its exit code and output; a non-zero exit is a result, not an
     * exception (a process ended by a signal exits with 128 + the signal's number).
     *
     * @throws CommandTimeoutException it still runs at {@code deadline} (it is left running)
     * @throws ProcessLostException it ended without an exit status: its host rebooted or the
     *     connection it was attached to was lost
     */
    ExecResult waitFor(Duration deadline);

    /**
     * Sends {@code signal} (a name such as {@code TERM}, {@code HUP}, {@code USR1}, {@code STOP},
     * {@code CONT}, {@code KILL}; with or without the {@code SIG} prefix) to its whole process group,
     * within the configured exec deadline. Does nothing when it no longer runs.
     */
    void signal(String signal);

    /**
     * Ends it and everything it started: TERM, then KILL after a short grace. Returns once they are
     * gone, within the configured exec deadline. Does nothing when it no longer runs.
     */
    void kill();

    /**
     * The lines it printed so far, both streams in arrival order (the most recent 10,000 for an
     * attached process; for a detached one, read from its output files on the host).
     */
    List<Line> output();

    /** How it ended; empty while it runs. */
    Optional<ProcessEnd> end();

    /** Which output stream a line came from. */
    enum Stream {
        /** Standard output. */
        STDOUT,
        /** Standard error. */
        STDERR
    }

    /**
     * One line a process printed, without its line end.
     *
     * @param stream where it came from
     * @param text the line; never null
     */
    record Line(Stream stream, String text) {

        /** Checks the values. */
        public Line {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String toString() {
            return (stream == Stream.STDERR ? "[err] " : "") + text;
        }
    }
}
