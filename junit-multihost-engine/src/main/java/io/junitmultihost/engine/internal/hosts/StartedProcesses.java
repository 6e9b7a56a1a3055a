package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.HostProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes a test class started on one host, for finding a detached one again by id; the
 * class's owner ends each with {@link #end(HostProcess)} when the class ends.
 */
final class StartedProcesses {

    /** How long a killed process gets between TERM and KILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(StartedProcesses.class);

    private final List<HostProcess> started = new ArrayList<>();

    /** Adds {@code process}. */
    synchronized <P extends HostProcess> P add(P process) {
        started.add(process);
        return process;
    }

    /** Kills {@code process} if it still runs (a detached one's files are removed too), within its deadlines. */
    static void end(HostProcess process) {
        try {
            boolean alive = process.isAlive();
            if (alive) {
                // the owner's INFO line already names it and its class: this adds the pid, for debugging
                LOG.debug("Killing process [{}] (pid [{}]) on host [{}]: its class ended while it still ran.",
                        process.id(), process.pid(), process.host().name());
                LOG.debug("Process [{}] runs [{}].", process.id(), process.command());
            }
            if (process instanceof DetachedProcess detached) {
                detached.killAndRemove();
            } else {
                process.kill(); // also a process whose connection was lost: it may still run
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not end process [{}] on host [{}]: {}", process.id(), process.host().name(), e.getMessage());
        }
    }

    synchronized List<HostProcess> snapshot() {
        return new ArrayList<>(started);
    }
}
