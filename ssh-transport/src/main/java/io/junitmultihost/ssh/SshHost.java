package io.junitmultihost.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One host reached through an {@link SshPool}: commands, file transfer and port forwarding over the
 * pooled session, each with a deadline. Reconnects by itself when its session is gone (after a
 * reboot, a cut link, sshd restarted). Thread-safe; many calls may run at once, each on its own
 * channel.
 */
public interface SshHost {

    /** How this host is reached; never null. */
    SshTarget target();

    /**
     * Runs a command and returns its exit code and output; a non-zero exit is a result, not an
     * exception. Connecting (if needed) counts against the same deadline.
     *
     * @throws SshConnectException the host could not be reached or authenticated in time
     * @throws SshTimeoutException the command outlived the deadline: thrown at most about a second
     *     after it, while its process group is ended (on a host that cannot be reached then, on the
     *     next connection to it)
     * @throws SshSessionLostException the connection dropped while the command ran (retried first
     *     when the command is {@link RemoteCommand#idempotent()})
     */
    RemoteResult exec(RemoteCommand command, Duration deadline);

    /**
     * Runs a command as {@link #exec(RemoteCommand, Duration)} does, also handing each line it prints
     * to {@code lines} as it arrives, on a thread of the library's. A consumer slower than the command
     * loses lines (counted, and told in a line of its own) rather than stalling the connection.
     */
    RemoteResult exec(RemoteCommand command, Duration deadline, Consumer<OutputLine> lines);

    /** Starts a command and returns at once; the library ends it when {@code deadline} passes. */
    RemoteProcess start(RemoteCommand command, Duration deadline);

    /** Starts a command whose lines go to {@code lines} as they arrive (see {@link #exec(RemoteCommand, Duration, Consumer)}). */
    RemoteProcess start(RemoteCommand command, Duration deadline, Consumer<OutputLine> lines);

    /**
     * Follows a remote file ({@code tail -n 0 -F}): lines appended from now on go to {@code lines}
     * until the returned process is cancelled or {@code deadline} passes.
     */
    RemoteProcess tail(String remoteFile, Duration deadline, Consumer<OutputLine> lines);

    /**
     * Copies a local file or directory tree to the host over SFTP, keeping permission bits. A file
     * goes to {@code remotePath} (replaced if present); a directory's content goes into directory
     * {@code remotePath} (created if missing).
     */
    void upload(Path local, String remotePath, Duration deadline);

    /**
     * Copies a remote file or directory tree to {@code local} over SFTP, keeping permission bits; the
     * same rules as {@link #upload}. Nothing the host sends is trusted: an entry name holding a
     * {@code /} or NUL fails the download, nothing is written outside {@code local}, links to
     * directories are not followed (links to files arrive as files), each file is written beside its
     * target and renamed into place (a failed download leaves the old file), directories that
     * existed keep their permissions, and no file or directory gets world-write from the host.
     * A host whose sshd has no SFTP subsystem gets both transfers over exec (POSIX {@code sh},
     * {@code cat}, {@code ls}, {@code mv}, and {@code tar} for directories), by the same rules.
     */
    void download(String remotePath, Path local, Duration deadline);

    /**
     * Forwards a port of this JVM to the host: connections to 127.0.0.1:{@link PortForward#port()}
     * here reach {@code remoteHost:remotePort} as seen from the host (e.g. "127.0.0.1", 5432).
     */
    default PortForward forwardLocal(String remoteHost, int remotePort, Duration deadline) {
        return forwardLocal(0, remoteHost, remotePort, deadline);
    }

    /**
     * As {@link #forwardLocal(String, int, Duration)}, on 127.0.0.1:{@code localPort} here (0: any
     * free port). Fails at once, naming the host and the sshd setting, when the host's sshd refuses
     * forwarding: it is asked for a channel before this returns.
     */
    PortForward forwardLocal(int localPort, String remoteHost, int remotePort, Duration deadline);

    /**
     * Forwards a port of the host to this JVM: connections to 127.0.0.1:{@link PortForward#port()} on
     * the host reach {@code localHost:localPort} as seen from this JVM, so a server in the test JVM
     * that listens only on loopback is reachable from the host. {@code remotePort} 0 means any free
     * port: one between 20000 and 31999 that the host accepts (JSch's own "any port" is unreliable).
     */
    PortForward forwardRemote(int remotePort, String localHost, int localPort, Duration deadline);

    /**
     * The host's {@link HostAgent}: starts the resident agent on the pooled session if it does not
     * run there yet. Never fails for want of an agent: where it cannot start, the returned agent
     * answers over plain channels ({@link HostAgent#isResident()} is false).
     *
     * @throws SshConnectException the host could not be reached within the deadline
     */
    HostAgent agent(Duration deadline);

    /** Opens a fresh session, not the pooled one (for reboot detection); closes it after the call. */
    RemoteResult execFresh(RemoteCommand command, Duration deadline);

    /**
     * As {@link #execFresh}, but when {@code keep} accepts the result the fresh session becomes the
     * pooled one (the old one is closed, forwards move to it): a reboot's first read of the new boot
     * then serves the commands after it, with no second handshake.
     */
    RemoteResult execFresh(RemoteCommand command, Duration deadline, java.util.function.Predicate<RemoteResult> keep);

    /**
     * As {@link #execFresh(RemoteCommand, Duration, java.util.function.Predicate)}, with the handshake
     * over {@code connection}, whose banner a probe already read (null: connect anew). The connection
     * is used up: closed here unless it became the session.
     */
    RemoteResult execFresh(RemoteCommand command, Duration deadline, java.util.function.Predicate<RemoteResult> keep,
            BannerConnection connection);

    /** Drops the pooled session now (the next call reconnects). Never throws. */
    void disconnect();
}
