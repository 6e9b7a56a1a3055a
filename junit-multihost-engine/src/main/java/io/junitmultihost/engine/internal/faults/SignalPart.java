package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import java.time.Duration;

/**
 * A pause on a host that is no machine of its own (an embedded host: its processes share this
 * JVM's machine, in a PID namespace where they lead no process group of their own): SIGSTOP and
 * SIGCONT sent to the process and each of its descendants, the end kept by the test JVM alone (an
 * embedded host's processes end with the test JVM anyway).
 */
final class SignalPart implements FaultPart {

    /** Prints {@code $1} and its descendants' pids, then signals them all with {@code $2}. */
    private static final String TREE = "tree() { echo \"$1\"; for c in $(ps -eo pid=,ppid= | awk -v p=\"$1\" '$2 == p {print $1}');"
            + " do tree \"$c\"; done; }; kill -s \"$2\" $(tree \"$1\")";

    private final FaultExec exec;
    private final Host host;
    private final long pid;
    private volatile boolean stopped;

    SignalPart(FaultExec exec, Host host, long pid) {
        this.exec = exec;
        this.host = host;
        this.pid = pid;
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public void impose(Duration deadline) {
        ExecResult result = send("STOP", deadline);
        if (result.exitCode() != 0) {
            throw new MultiHostException("Cannot impose a pause on host [" + host.name() + "]: cannot stop process ["
                    + pid + "]: " + result.stderr().strip());
        }
        stopped = true;
    }

    @Override
    public void lift(Duration deadline) {
        if (stopped) {
            send("CONT", deadline);
            stopped = false;
        }
    }

    private ExecResult send(String signal, Duration deadline) {
        Command command = Command.of("sh", "-c", TREE, "pause", Long.toString(pid), signal).withDeadline(deadline);
        return exec.run(host, command);
    }
}
