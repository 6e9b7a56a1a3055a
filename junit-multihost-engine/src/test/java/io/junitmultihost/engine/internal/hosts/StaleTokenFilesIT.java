package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The files holding a token that a killed test JVM leaves on a host (its class's sync.env, its
 * remote JVMs' token file) are removed when the host is leased again, and only files of that
 * exact form: a file of someone else's at the same place stays.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaleTokenFilesIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private HostPool pool;

    @BeforeAll
    void startLab() {
        MustNotSkip.requireLab();
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab", "multihost.lab.hosts", "1",
                "multihost.lab.max-hosts", "1", "multihost.hosts.timeout", "2m")));
    }

    @AfterAll
    void stopLab() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void tokenFilesOfAKilledRunAreRemovedAtTheNextLeaseAndOthersFilesStay() {
        try (HostLease killed = pool.lease("a class whose JVM is killed", List.of(new RoleDeclaration("node", 1, 1)))) {
            // what a killed test JVM leaves: written as the engine writes them, and never removed
            killed.cluster().hosts().get(0).exec(Command.shell("umask 077; mkdir -p .multihost .junit-multihost/vms/0123456789ab"
                    + " .junit-multihost/vms/theirs && printf \"%s\\n\" \"MH_SYNC_URL='http://127.0.0.1:40000'\""
                    + " \"MH_SYNC_TOKEN='abc'\" \"MH_SYNC_AS='lab-1'\" > .multihost/sync.env"
                    + " && printf %s 0123456789abcdef0123456789abcdef0123456789abcdef > .junit-multihost/vms/0123456789ab/token"
                    + " && printf 'not a token of ours\\n' > .junit-multihost/vms/theirs/token").withDeadline(DEADLINE))
                    .assertSuccess();
        }

        try (HostLease next = pool.lease("the next class", List.of(new RoleDeclaration("node", 1, 1)))) {
            Host host = next.cluster().hosts().get(0);
            String left = host.exec(Command.shell("ls -d .multihost/sync.env .junit-multihost/vms/*/token 2>/dev/null; true")
                    .withDeadline(DEADLINE)).stdout();

            assertThat(left.lines().toList()).containsExactly(".junit-multihost/vms/theirs/token");
            host.exec(Command.shell("rm -rf .junit-multihost/vms/theirs").withDeadline(DEADLINE)).assertSuccess();
        }
    }
}
