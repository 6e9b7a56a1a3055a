package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshException;
import io.junitmultihost.ssh.SshHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a rebooted host by polling its boot id over fresh connections (never the pooled one,
 * which may still look alive), backing off from 100 ms to 250 ms, until a new well-formed boot
 * id is read.
 */
final class HostReboot implements Reboot {

    private static final Logger LOG = LoggerFactory.getLogger(HostReboot.class);
    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration LAST_POLL = Duration.ofMillis(250);
    private static final RemoteCommand READ_BOOT_ID = RemoteCommand.argv("cat", BootId.PATH);

    private final Host host;
    private final SshHost ssh;
    private final String oldBootId;
    private final Duration connectTimeout;

    HostReboot(Host host, SshHost ssh, String oldBootId, Duration connectTimeout) {
        this.host = host;
        this.ssh = ssh;
        this.oldBootId = oldBootId;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public String oldBootId() {
        return oldBootId;
    }

    @Override
    public String awaitUp(Duration deadline) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        String phase = "waiting for the host to go down";
        String lastSeen = "boot id [" + oldBootId + "]";
        Duration pause = FIRST_POLL;
        while (true) {
            long remaining = end - System.nanoTime();
            if (remaining <= 0) {
                throw new RebootException("Host [" + host.name() + "] did not come back with a new boot id within ["
                        + deadline + "]: phase [" + phase + "], last seen [" + lastSeen + "]; the old boot id was ["
                        + oldBootId + "]." + hint(phase));
            }
            Duration attempt = Duration.ofNanos(Math.max(Math.min(remaining, connectTimeout.toNanos()), 1_000_000));
            try {
                RemoteResult read = ssh.execFresh(READ_BOOT_ID, attempt);
                String stdout = new String(read.stdout(), StandardCharsets.UTF_8);
                Optional<String> bootId = BootId.of(read.exitCode(), stdout);
                if (bootId.isPresent() && !bootId.get().equals(oldBootId)) {
                    ssh.disconnect();
                    LOG.info("Host [{}] is up again with boot id [{}] after [{}].", host.name(), bootId.get(),
                            Duration.ofNanos(System.nanoTime() - start));
                    return bootId.get();
                }
                if (bootId.isPresent()) {
                    phase = phase.startsWith("waiting") ? phase : "back, but with the old boot id";
                    lastSeen = "boot id [" + bootId.get() + "]";
                } else {
                    phase = "up, but no boot id readable";
                    lastSeen = "exit [" + read.exitCode() + "], stdout [" + BootId.shorten(stdout) + "]";
                }
            } catch (SshException e) {
                if (!phase.equals("down")) {
                    LOG.info("Host [{}] is down (rebooting).", host.name());
                }
                phase = "down";
                lastSeen = e.getMessage();
            }
            sleep(Math.min(pause.toNanos(), Math.max(0, end - System.nanoTime())));
            pause = pause.multipliedBy(3).dividedBy(2);
            if (pause.compareTo(LAST_POLL) > 0) {
                pause = LAST_POLL;
            }
        }
    }

    private static String hint(String phase) {
        return phase.startsWith("waiting")
                ? " The host never went down: the reboot command may have failed or not be permitted."
                : "";
    }

    private void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RebootException("Waiting for host [" + host.name() + "] to come back was interrupted.", e);
        }
    }

    @Override
    public String toString() {
        return "Reboot[" + host.name() + ", old boot id " + oldBootId + "]";
    }
}
