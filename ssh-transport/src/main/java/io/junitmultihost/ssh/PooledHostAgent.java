package io.junitmultihost.ssh;

import com.jcraft.jsch.Session;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HostAgent} of one pooled host: uses the resident agent on the current session when it
 * runs and is free, starts it again after a reconnect, and otherwise answers over plain channels.
 */
final class PooledHostAgent implements HostAgent {

    private static final Logger LOG = LoggerFactory.getLogger("io.junitmultihost.ssh.agent");

    private final PooledSshHost host;
    private final PoolSettings settings;
    private volatile ResidentAgent resident;
    private volatile Session failedOn;

    PooledHostAgent(PooledSshHost host, PoolSettings settings) {
        this.host = host;
        this.settings = settings;
    }

    @Override
    public SshHost host() {
        return host;
    }

    @Override
    public boolean isResident() {
        ResidentAgent current = resident;
        return current != null && current.isAlive();
    }

    /** Starts the resident agent now if it does not run on the current session. */
    void ensureStarted(Deadline deadline) {
        ResidentAgent agent = acquire(deadline);
        if (agent != null) {
            agent.lock().unlock();
        }
    }

    /** The resident agent, locked for the caller; null when it is busy or cannot run (use plain channels). */
    private ResidentAgent acquire(Deadline deadline) {
        Session session = host.session(deadline);
        ResidentAgent current = resident;
        if (current == null || !current.isAlive() || current.session() != session) {
            if (failedOn == session) {
                return null;
            }
            synchronized (this) {
                current = resident;
                if (current == null || !current.isAlive() || current.session() != session) {
                    if (current != null) {
                        current.close();
                    }
                    try {
                        current = ResidentAgent.start(host.target(), settings, session, host.kills(), deadline);
                        resident = current;
                    } catch (SshException e) {
                        failedOn = session;
                        resident = null;
                        LOG.debug("Resident agent could not start on host [{}] ({}); using plain channels.",
                                host.target().describe(), e.getMessage());
                        return null;
                    }
                }
            }
        }
        return current.lock().tryLock() ? current : null;
    }

    @Override
    public RemoteResult exec(RemoteCommand command, Duration deadline) {
        Objects.requireNonNull(command, "command");
        Deadline d = Deadline.after(deadline);
        if (!command.hasStdin()) {
            ResidentAgent agent = acquire(d);
            if (agent != null) {
                try {
                    return agent.exec(command, d);
                } finally {
                    agent.lock().unlock();
                }
            }
        }
        return host.exec(command, deadline);
    }

    private String call(String op, String arg, Deadline deadline) {
        ResidentAgent agent = acquire(deadline);
        if (agent == null) {
            return null;
        }
        try {
            return agent.call(op, arg, deadline);
        } finally {
            agent.lock().unlock();
        }
    }

    @Override
    public String bootId(Duration deadline) {
        Deadline d = Deadline.after(deadline);
        String value = call("boot_id", "", d);
        if (value == null) {
            value = plain(RemoteCommand.argv("cat", "/proc/sys/kernel/random/boot_id"), deadline).trim();
        }
        return value.trim();
    }

    @Override
    public Uname uname(Duration deadline) {
        Deadline d = Deadline.after(deadline);
        String value = call("uname", "", d);
        if (value != null) {
            String[] f = value.split("\\|", 5);
            return new Uname(f[0], f[1], f[2], f[4], f[3]);
        }
        String[] lines = plain(RemoteCommand.shell("uname -s; uname -n; uname -r; uname -v; uname -m"), deadline)
                .split("\n");
        return new Uname(lines[0], lines[1], lines[2], lines[3], lines[4]);
    }

    @Override
    public String kernelCommandLine(Duration deadline) {
        Deadline d = Deadline.after(deadline);
        String value = call("cmdline", "", d);
        if (value == null) {
            value = plain(RemoteCommand.argv("cat", "/proc/cmdline"), deadline);
        }
        return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    }

    @Override
    public Optional<FileStat> stat(String path, Duration deadline) {
        Objects.requireNonNull(path, "path");
        Deadline d = Deadline.after(deadline);
        String value = path.indexOf('\n') < 0 ? call("stat", path, d) : null;
        if (value == null) {
            value = plain(RemoteCommand.argv("sh", "-c", "if v=$(stat -L -c '" + FileStat.STAT_FORMAT
                    + "' -- \"$0\" 2>/dev/null); then echo \"$v\"; elif [ -e \"$0\" ] || [ -L \"$0\" ];"
                    + " then echo 'stat failed' >&2; exit 2; else echo absent; fi", path), deadline).trim();
        }
        return value.equals("absent") ? Optional.empty() : Optional.of(FileStat.parse(value));
    }

    private String plain(RemoteCommand command, Duration deadline) {
        RemoteResult result = host.exec(command, deadline);
        if (result.exitCode() != 0) {
            throw new SshException("Command [" + command.display() + "] on host [" + host.target().describe()
                    + "] failed with exit code [" + result.exitCode() + "]: " + result.stderrText().trim() + ".");
        }
        return result.stdoutText();
    }

    void close() {
        ResidentAgent current = resident;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public String toString() {
        return "HostAgent[" + host.target().describe() + (isResident() ? ", resident" : ", plain channels") + "]";
    }
}
