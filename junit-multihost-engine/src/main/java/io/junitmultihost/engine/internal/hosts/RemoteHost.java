package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.ShellQuote;
import io.junitmultihost.ssh.SshConnectException;
import io.junitmultihost.ssh.SshHost;
import io.junitmultihost.ssh.SshSessionLostException;
import io.junitmultihost.ssh.SshTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Host} over the pooled SSH connection of the transport. */
final class RemoteHost implements Host {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteHost.class);

    private final HostSpec spec;
    private final SshHost ssh;
    private final Set<String> roles;
    private final HostSettings settings;

    RemoteHost(HostSpec spec, SshHost ssh, Set<String> roles, HostSettings settings) {
        this.spec = spec;
        this.ssh = ssh;
        this.roles = Set.copyOf(roles);
        this.settings = settings;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String address() {
        return spec.address();
    }

    @Override
    public Set<String> roles() {
        return roles;
    }

    @Override
    public Map<String, String> labels() {
        return spec.labels();
    }

    @Override
    public ExecResult exec(String... argv) {
        return exec(Command.of(argv));
    }

    @Override
    public ExecResult exec(List<String> argv, Duration deadline) {
        return exec(Command.of(argv).withDeadline(deadline));
    }

    @Override
    public ExecResult exec(Command command) {
        Duration deadline = command.deadline().orElse(settings.execTimeout());
        RemoteResult result = SshFailures.translated(() -> ssh.exec(toRemote(command), deadline));
        return new ExecResult(name(), command.toString(), result.exitCode(), result.stdout(), result.stderr(),
                result.duration());
    }

    @Override
    public ExecResult execShell(String script) {
        return exec(Command.shell(script));
    }

    @Override
    public ExecResult execShell(String script, Duration deadline) {
        return exec(Command.shell(script).withDeadline(deadline));
    }

    @Override
    public void upload(Path local, String remotePath, Duration deadline) {
        SshFailures.translated(() -> {
            ssh.upload(local, remotePath, deadline);
            return null;
        });
    }

    @Override
    public void download(String remotePath, Path local, Duration deadline) {
        SshFailures.translated(() -> {
            ssh.download(remotePath, local, deadline);
            return null;
        });
    }

    @Override
    public String bootId() {
        return BootId.require(exec(Command.of("cat", BootId.PATH)));
    }

    @Override
    public String cmdline() {
        String text = exec(Command.of("cat", "/proc/cmdline")).assertSuccess().stdout();
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * Reads the boot id, then starts the reboot command detached, after a short sleep, so that
     * this call returns before the host drops the connection; a connection dropped while asking
     * is expected and not an error.
     */
    @Override
    public Reboot reboot() {
        Duration deadline = settings.rebootTimeout();
        String oldBootId = BootId.require(exec(Command.of("cat", BootId.PATH).withDeadline(deadline)));
        String script = "nohup sh -c " + ShellQuote.quote("sleep 0.2; " + settings.rebootCommand())
                + " >/dev/null 2>&1 &";
        try {
            RemoteResult asked = ssh.exec(RemoteCommand.shell(script), deadline);
            if (asked.exitCode() != 0) {
                throw new RebootException("Host [" + name() + "] refused to start the reboot command ["
                        + settings.rebootCommand() + "]: exit [" + asked.exitCode() + "], stderr ["
                        + BootId.shorten(new String(asked.stderr(), java.nio.charset.StandardCharsets.UTF_8))
                        + "]. Check that the user may reboot the host.");
            }
        } catch (SshSessionLostException | SshTimeoutException | SshConnectException e) {
            LOG.debug("Host [{}] dropped the connection while asked to reboot, as expected: {}", name(), e.getMessage());
        }
        LOG.info("Host [{}] asked to reboot; its boot id was [{}].", name(), oldBootId);
        return new HostReboot(this, ssh, oldBootId, settings.connectTimeout());
    }

    private static RemoteCommand toRemote(Command command) {
        RemoteCommand remote = command.script().map(RemoteCommand::shell)
                .orElseGet(() -> RemoteCommand.argv(command.argv().orElseThrow()));
        if (!command.env().isEmpty()) {
            remote = remote.withEnv(command.env());
        }
        if (command.directory().isPresent()) {
            remote = remote.withDirectory(command.directory().get());
        }
        byte[] stdin = command.stdin();
        if (stdin.length > 0) {
            remote = remote.withStdin(stdin);
        }
        return remote;
    }

    @Override
    public String toString() {
        return "Host[" + name() + " " + spec.user() + "@" + address() + ":" + spec.port() + ", roles=" + roles + "]";
    }
}
