package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token file the engine leaves on a host for mh-sync: made afresh for the host's user only,
 * holding a token that speaks for that host alone, and gone when the class ends. On embedded hosts,
 * whose home directories the test can look into.
 */
class SyncTokenFileIT {

    private HostPool pool;
    private HostLease lease;
    private Host a;
    private Host b;
    private Path envFile;

    @BeforeEach
    void lease() {
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "embedded", "multihost.hosts.timeout", "1m")));
        lease = pool.lease(SyncTokenFileIT.class.getName(), List.of(new RoleDeclaration("node", 2, 2)));
        a = lease.cluster().hosts().get(0);
        b = lease.cluster().hosts().get(1);
        envFile = Path.of(a.labels().get("home")).resolve(".multihost/sync.env");
    }

    @AfterEach
    void release() {
        if (lease != null) {
            lease.close();
        }
        pool.close();
    }

    private ExecResult mhSyncAs(String script, String as, String arguments) {
        return a.exec(Command.shell(script + " " + arguments).withEnv("MH_SYNC_AS", as).withDeadline(Duration.ofSeconds(30)));
    }

    @Test
    void aTokenFileThatWasThereIsReplacedByAFreshOneOnlyItsUserReads() throws Exception {
        Files.createDirectories(envFile.getParent());
        Files.writeString(envFile, "MH_SYNC_TOKEN=stale\n");
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-r--r--"));
        lease.cluster().sync().script(a);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-------");
        assertThat(Files.readString(envFile)).doesNotContain("stale");
    }

    @Test
    void theTokenFileIsRemovedWhenTheClassEnds() {
        lease.cluster().sync().script(a);
        assertThat(envFile).exists();
        lease.close();
        lease = null;
        assertThat(envFile).doesNotExist();
    }

    @Test
    void aHostsTokenSpeaksForThatHostOnly() {
        String script = lease.cluster().sync().script(a);
        assertThat(mhSyncAs(script, a.name(), "state started").exitCode()).isZero();
        for (String other : List.of("controller", b.name())) {
            ExecResult r = mhSyncAs(script, other, "abort 'not mine to abort'");
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
            assertThat(r.stderr()).contains("The token of [" + a.name() + "] cannot speak as [" + other + "]");
        }
        assertThat(mhSyncAs(script, a.name(), "events").stdout()).doesNotContain("ABORTED");
    }
}
