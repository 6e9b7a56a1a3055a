package io.junitmultihost.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One host of a test, reached over SSH. Injected into test methods; never null.
 *
 * <p>Every remote call has a deadline: the overloads without one use the configured default
 * ({@code multihost.exec.timeout}, 60 s unless set). A call that outlives its deadline fails with
 * {@link CommandTimeoutException} in about that time and the remote process is ended.
 *
 * <p>Commands given as an argument list are quoted by the library: no argument ever reaches the
 * remote shell unquoted. A raw shell script is a separate, explicit call ({@link #execShell}).
 */
public interface Host {

    /** The host's name, unique within a run (for example {@code host-1} or an inventory name). */
    String name();

    /**
     * The host's address on the test network (an IP address or a DNS name): what programs on other
     * hosts connect to. The test JVM usually reaches it there too; hosts reached through a port
     * forward (the qemu provider's) are reached by SSH elsewhere.
     */
    String address();

    /** The roles this host has in the current test, in declaration order. */
    Set<String> roles();

    /** Labels from the host provider (for example an inventory's labels); never null. */
    Map<String, String> labels();

    /**
     * Runs a command given as its arguments, each quoted for the remote shell, with the default
     * deadline. Does not fail on a non-zero exit code: see {@link ExecResult#assertSuccess()}.
     */
    ExecResult exec(String... argv);

    /** Runs a command given as its arguments, each quoted for the remote shell, within {@code deadline}. */
    ExecResult exec(List<String> argv, Duration deadline);

    /** Runs a command described in full: arguments or script, environment, directory, stdin, deadline. */
    ExecResult exec(Command command);

    /** Runs {@code script} as it is with the remote user's shell ({@code sh -c}); the caller quotes. */
    ExecResult execShell(String script);

    /** Runs {@code script} as it is with the remote user's shell, within {@code deadline}. */
    ExecResult execShell(String script, Duration deadline);

    /**
     * Starts a command given as its arguments (quoted by the library) and returns at once, with
     * its process group id known. See {@link #start(Command, Consumer)}.
     */
    default HostProcess start(String... argv) {
        return start(Command.of(argv));
    }

    /** Starts {@code command} and returns at once; see {@link #start(Command, Consumer)}. */
    default HostProcess start(Command command) {
        return start(command, line -> { });
    }

    /**
     * Starts {@code command} and returns at once, with its process group id known (TETware's
     * {@code tet_remexec}). Each line it prints goes to {@code lines} as it arrives, on a thread
     * of the library's, and is kept (the most recent 10,000 lines). The process is attached to an
     * SSH channel: it ends when the channel does (a lost connection, a reboot), when
     * {@code command}'s deadline passes (none: it runs until it exits or is killed), or when the
     * test class that started it ends.
     */
    HostProcess start(Command command, Consumer<HostProcess.Line> lines);

    /**
     * Starts {@code command} detached from SSH: it survives the connection (and a reconnect),
     * ignores SIGHUP, and writes its output to files on the host, under
     * {@code ~/.junit-multihost/processes/<id>/}; {@link #process(String)} finds it again by its
     * {@link HostProcess#id() id}. A reboot of the host ends it, and the handle says so. It is
     * killed when the test class that started it ends. Its standard input is {@code /dev/null}:
     * {@code command} may carry no stdin and no deadline.
     */
    HostProcess startDetached(Command command);

    /**
     * The detached process with {@code id} on this host, running or ended.
     *
     * @throws MultiHostException there is no such process on the host
     */
    HostProcess process(String id);

    /**
     * Copies a local file, or a directory with everything under it, to {@code remotePath} on the
     * host (SFTP; over exec with {@code cat} where the host has no SFTP subsystem), keeping its
     * permissions. Directories missing above {@code remotePath} are made; a relative
     * {@code remotePath} is relative to the user's home directory.
     */
    void upload(Path local, String remotePath, Duration deadline);

    /**
     * Copies {@code remotePath} from the host to a local file (SFTP; over exec with {@code cat} and
     * {@code tar} where the host has no SFTP subsystem). Nothing the host sends can write outside
     * {@code local}, and a failed download leaves an existing local file as it was.
     */
    void download(String remotePath, Path local, Duration deadline);

    /**
     * Forwards a port of the test JVM to the host, like {@code ssh -L}, with the default deadline:
     * connections to 127.0.0.1:{@link PortForward#port()} in the test JVM reach
     * 127.0.0.1:{@code hostPort} on the host, so a service the host serves only on its loopback (or
     * that the test JVM cannot reach: a NAT, a jump host, a QEMU guest) is reachable from the test.
     * The local port is any free one. See {@link #forwardLocal(int, String, int, Duration)}.
     */
    PortForward forwardLocal(int hostPort);

    /**
     * Forwards any free port of the test JVM to {@code toHost:toPort} as seen from the host, within
     * {@code deadline}. See {@link #forwardLocal(int, String, int, Duration)}.
     */
    default PortForward forwardLocal(String toHost, int toPort, Duration deadline) {
        return forwardLocal(0, toHost, toPort, deadline);
    }

    /**
     * Forwards 127.0.0.1:{@code localPort} in the test JVM ({@code 0}: any free port) to
     * {@code toHost:toPort} as seen from the host ({@code ssh -L localPort:toHost:toPort}), within
     * {@code deadline}. The host connects to the target when a connection arrives, not before: a
     * server that is not up yet is no error here.
     *
     * @throws MultiHostException the local port cannot be bound (naming it), or the host's sshd
     *     refuses forwarding (naming the host and the sshd setting to change)
     * @throws CommandTimeoutException it is not set up within {@code deadline}
     */
    PortForward forwardLocal(int localPort, String toHost, int toPort, Duration deadline);

    /**
     * Forwards a port of the host to the test JVM's machine, like {@code ssh -R}, with the default
     * deadline: connections to 127.0.0.1:{@link PortForward#port()} on the host reach
     * 127.0.0.1:{@code localPort} here, so the host reaches a server the test started even when it
     * listens on loopback only or the host cannot route to the test JVM. The host's port is a
     * free one between 20000 and 31999. See {@link #forwardRemote(int, String, int, Duration)}.
     */
    PortForward forwardRemote(int localPort);

    /**
     * Forwards 127.0.0.1:{@code hostPort} on the host ({@code 0}: a free one between 20000 and
     * 31999) to {@code toHost:toPort} as seen from the test JVM
     * ({@code ssh -R hostPort:toHost:toPort}), within {@code deadline}.
     *
     * @throws MultiHostException the host's sshd refuses the forward: the port is taken there, or
     *     forwarding is turned off (the message names the host, the forward and the sshd setting)
     * @throws CommandTimeoutException it is not set up within {@code deadline}
     */
    PortForward forwardRemote(int hostPort, String toHost, int toPort, Duration deadline);

    /**
     * The host's current boot id, read from {@code /proc/sys/kernel/random/boot_id} and checked
     * to be a UUID: a failing command's output is never taken for a boot id.
     */
    String bootId();

    /** The host's kernel command line ({@code /proc/cmdline}), without the trailing newline. */
    String cmdline();

    /**
     * Asks the host to reboot with {@link RebootOptions#defaults()} and returns at once. The
     * returned handle's {@link Reboot#awaitUp(Duration)} completes only once the host is back with
     * a new boot id.
     */
    default Reboot reboot() {
        return reboot(RebootOptions.defaults());
    }

    /**
     * Starts rebooting the host as {@code options} say and returns at once; the host's own state
     * machine ({@link HostState}) runs in the background and publishes each state change. With
     * {@link RebootOptions#withoutCommand()} nothing is sent: the handle watches for a reboot the
     * host makes by itself or that a process of the test asks for.
     */
    Reboot reboot(RebootOptions options);

    /** Reboots the host with the defaults and waits until it is back: {@code reboot().awaitUp(deadline)}. */
    default String awaitReboot(Duration deadline) {
        return reboot().awaitUp(deadline);
    }

    /** Reboots the host as {@code options} say and waits until it is ready; returns the new boot id. */
    default String awaitReboot(RebootOptions options, Duration deadline) {
        return reboot(options).awaitUp(deadline);
    }

    /**
     * The host's power button (off, on, cycle), through its provider. Hosts whose provider cannot
     * power them throw {@link UnsupportedOperationException} from its actions, saying what to
     * configure.
     */
    default HostPower power() {
        throw new UnsupportedOperationException("Host [" + name() + "] has no power handle.");
    }
}
