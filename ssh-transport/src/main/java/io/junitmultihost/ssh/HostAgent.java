package io.junitmultihost.ssh;

import java.time.Duration;
import java.util.Optional;

/**
 * The hot calls on a host, answered by a resident agent when one runs there: a POSIX shell loop
 * started over the host's SSH session (nothing installed, nothing left behind) that reads requests
 * on one channel and answers boot id, uname fields, kernel command line and file stat from shell
 * builtins, and runs commands with one fork instead of a new sshd channel and login shell each.
 * Where the agent cannot start, or is busy with another call, every call goes over plain SSH
 * channels instead, with the same results. Thread-safe.
 *
 * <pre>{@code
 * HostAgent agent = host.agent(Duration.ofSeconds(10));
 * String before = agent.bootId(Duration.ofSeconds(5));
 * }</pre>
 */
public interface HostAgent {

    /** The host; never null. */
    SshHost host();

    /** Whether the calls go through a running resident agent now (false: plain SSH channels). */
    boolean isResident();

    /**
     * Runs a command, as {@link SshHost#exec(RemoteCommand, Duration)} does. Through the agent the
     * command's stdin is empty (commands with stdin go over a plain channel) and processes it leaves
     * in the background after exiting are not waited for.
     */
    RemoteResult exec(RemoteCommand command, Duration deadline);

    /** The host's boot id (/proc/sys/kernel/random/boot_id): it changes with every boot. */
    String bootId(Duration deadline);

    /** The host's uname(2) fields. */
    Uname uname(Duration deadline);

    /** The host's kernel command line (/proc/cmdline), without the line end. */
    String kernelCommandLine(Duration deadline);

    /** What {@code stat} says of a remote path (following symlinks), or empty when it does not exist. */
    Optional<FileStat> stat(String path, Duration deadline);
}
