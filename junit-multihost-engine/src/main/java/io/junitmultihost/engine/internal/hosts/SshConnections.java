package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.ssh.Outcome;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshHost;
import io.junitmultihost.ssh.SshPool;
import io.junitmultihost.ssh.SshTarget;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pool's SSH connections: one {@link SshHost} per host spec, made on first use and kept for
 * the session, so a host leased again reuses its connection. Thread-safe. Internal.
 */
final class SshConnections implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SshConnections.class);

    private final SshPool ssh;
    private final Duration connectTimeout;
    private final Map<HostSpec, SshHost> connections = new ConcurrentHashMap<>();

    SshConnections(SshPool ssh, Duration connectTimeout) {
        this.ssh = ssh;
        this.connectTimeout = connectTimeout;
    }

    /** The connection to {@code spec}'s host; made (not yet connected) on first use. */
    SshHost of(HostSpec spec) {
        return connections.computeIfAbsent(spec, s -> {
            SshTarget.Builder target = SshTarget.builder(s.name(), s.address()).port(s.port()).user(s.user())
                    .knownHosts(s.knownHosts()).strictHostKeyChecking(s.strictHostKeyChecking())
                    .connectTimeout(connectTimeout)
                    .knownHostsOrigin(s.knownHostsFile().orElse(null), s.knownHostsSetting().orElse(null));
            s.identityFile().ifPresent(target::identityFile);
            s.password().ifPresent(target::password);
            s.proxyJump().ifPresent(target::proxyJump);
            return ssh.host(target.build());
        });
    }

    /** Reads each host's boot id, all at once, within {@code deadline}; by spec, in the order given. */
    Map<HostSpec, Outcome<RemoteResult>> readBootIds(Collection<HostSpec> specs, Duration deadline) {
        Map<SshHost, HostSpec> bySsh = new LinkedHashMap<>();
        specs.forEach(spec -> bySsh.put(of(spec), spec));
        Map<SshHost, Outcome<RemoteResult>> answers = ssh.onEach(bySsh.keySet(), deadline,
                h -> h.exec(RemoteCommand.argv("cat", BootId.PATH), deadline));
        Map<HostSpec, Outcome<RemoteResult>> bySpec = new LinkedHashMap<>();
        answers.forEach((host, outcome) -> bySpec.put(bySsh.get(host), outcome));
        return bySpec;
    }

    /**
     * Removes the files holding a token that a killed test JVM left on each host ({@link StaleTokenFiles}),
     * all at once, within {@code deadline}; a host that does not answer keeps them (logged at DEBUG).
     */
    void removeStaleTokenFiles(Collection<HostSpec> specs, Duration deadline) {
        Map<SshHost, HostSpec> bySsh = new LinkedHashMap<>();
        specs.forEach(spec -> bySsh.put(of(spec), spec));
        ssh.onEach(bySsh.keySet(), deadline, h -> h.exec(RemoteCommand.shell(StaleTokenFiles.REMOVE), deadline))
                .forEach((host, outcome) -> outcome.failure().ifPresent(e -> LOG.debug(
                        "Could not look for stale token files on host [{}]: {}", bySsh.get(host).name(), e.getMessage())));
    }

    /** Closes every connection. */
    @Override
    public void close() {
        ssh.close();
    }
}
