package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostException;
import java.time.Duration;
import java.util.List;

/**
 * A fault imposed on a host by a script of {@link HostScripts}, over the host's SSH connection.
 * Its commands are not the class's: they run while the class's owner closes too (to lift what it
 * left), and are bounded by their own deadline.
 */
final class ScriptPart implements FaultPart {

    private final FaultExec exec;
    private final Host host;
    private final FaultName name;
    private final String what;
    private final String imposeScript;
    private final String pauseTarget;
    private volatile String backend;

    /**
     * @param what the fault, for messages ("a partition")
     * @param pauseTarget what a pause stopped, resumed again on lift; null for other faults
     */
    ScriptPart(FaultExec exec, Host host, FaultName name, String what, String imposeScript, String pauseTarget) {
        this.exec = exec;
        this.host = host;
        this.name = name;
        this.what = what;
        this.imposeScript = imposeScript;
        this.pauseTarget = pauseTarget;
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public void impose(Duration deadline) {
        ExecResult result = run(exec, host, imposeScript, deadline);
        if (result.exitCode() != 0) {
            String why = result.stderr().strip();
            throw new MultiHostException("Cannot impose " + what + " on host [" + host.name() + "]: "
                    + (why.isEmpty() ? "its script exited with [" + result.exitCode() + "]" : why)
                    + (result.exitCode() == HostScripts.CANNOT ? "" : " (exit code " + result.exitCode() + ")") + ".");
        }
        List<String> lines = result.stdoutLines();
        backend = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
    }

    @Override
    public void lift(Duration deadline) {
        String used = backend;
        if (used == null) {
            return;
        }
        ExecResult result = run(exec, host, HostScripts.lift(name, HostScripts.liftCommands(name, used, pauseTarget)), deadline);
        if (result.exitCode() != 0) {
            throw new MultiHostException("Cannot lift " + what + " on host [" + host.name() + "]: "
                    + result.stderr().strip() + " (exit code " + result.exitCode() + ").");
        }
        backend = null;
    }

    /** The backend it was imposed with ({@code nft}, {@code iptables}, {@code tc}, {@code signal}); null once lifted. */
    String backend() {
        return backend;
    }

    static ExecResult run(FaultExec exec, Host host, String script, Duration deadline) {
        Command command = Command.of("sh", "-c", script).withDeadline(deadline);
        return exec.run(host, command);
    }
}
