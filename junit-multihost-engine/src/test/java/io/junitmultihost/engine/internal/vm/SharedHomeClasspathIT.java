package io.junitmultihost.engine.internal.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.hosts.HostLease;
import io.junitmultihost.engine.internal.hosts.HostPool;
import io.junitmultihost.engine.internal.hosts.HostSettings;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Hosts that share a home directory (an NFS home across a fleet, or two inventory entries that
 * reach one machine, one of them through a NAT port forward) share the remote JVMs' jar cache
 * under it: two hosts filling it at once must not take each other's half-uploaded jars. Here one
 * embedded host is filled from two threads at once, a fresh cache each round. On embedded hosts.
 */
class SharedHomeClasspathIT {

    private static final Duration DEADLINE = Duration.ofMinutes(1);
    private static final int ROUNDS = 3;

    @Test
    void twoHostsFillingOneSharedJarCacheAtOnceBothGetEveryJar() {
        try (HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "embedded")));
                HostLease lease = pool.lease(SharedHomeClasspathIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)))) {
            Host host = lease.cluster().hosts().get(0);
            String home = host.exec(Command.shell("printf '%s' \"$HOME\"")).assertSuccess().stdout();
            for (int round = 0; round < ROUNDS; round++) {
                host.exec("rm", "-rf", home + "/" + TestClasspath.REMOTE_DIR).assertSuccess();
                CompletableFuture<String> first = CompletableFuture.supplyAsync(
                        () -> TestClasspath.ensureOn(host, home, DEADLINE, new int[1]));
                CompletableFuture<String> second = CompletableFuture.supplyAsync(
                        () -> TestClasspath.ensureOn(host, home, DEADLINE, new int[1]));

                assertThat(first.join()).isEqualTo(second.join());
                assertThat(host.exec("sh", "-c", "ls -A " + home + "/" + TestClasspath.REMOTE_DIR + " | grep -c '[.]part$'"
                        + " || true").stdout().strip()).as("no half-uploaded jar left behind").isEqualTo("0");
            }
        }
    }
}
