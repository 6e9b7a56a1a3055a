package io.junitmultihost.engine.internal.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.ProviderConfig;
import io.junitmultihost.testsupport.MustNotSkip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLeasesTest {

    @TempDir
    Path temp;

    @Test
    void theDefaultDirectoryIsTheUsersOnly() throws Exception {
        FileLeases leases = FileLeases.forUser(temp, System.getProperty("user.name"));

        Path mine = temp.resolve("junit-multihost-" + HostIdentity.name(System.getProperty("user.name")));
        assertThat(leases.directory()).isEqualTo(mine.resolve("leases"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine))).isEqualTo("rwx------");
    }

    @Test
    void aDefaultDirectoryAnotherUserOwnsIsRefused() throws Exception {
        MustNotSkip.require("root".equals(System.getProperty("user.name")), "only root can give a directory away");
        Path theirs = Files.createDirectory(temp.resolve("junit-multihost-root"));
        UserPrincipal nobody = temp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(theirs, nobody);

        assertThatThrownBy(() -> FileLeases.forUser(temp, "root")).isInstanceOf(ConfigurationException.class)
                .hasMessage("The lease directory [" + theirs + "] belongs to [nobody], not to you [root], so it could hold or free"
                        + " your hosts. Remove it, or set [multihost.leases.directory] to a directory of yours.");
    }

    @Test
    void aZooKeeperRootThatIsNoPathIsRefusedBeforeConnecting() {
        assertThatThrownBy(() -> HostLeases.open(new ProviderConfig(Map.of("multihost.leases.zookeeper", "127.0.0.1:1",
                "multihost.leases.zookeeper.root", "leases/")), true)).isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration parameter [multihost.leases.zookeeper.root] must be a ZooKeeper path such as"
                        + " [/junit-multihost/leases], was [leases/].");
    }

    @Test
    void hostsThatAreTheRunsAloneNeedNoStore() {
        assertThat(HostLeases.open(new ProviderConfig(Map.of("multihost.leases.zookeeper", "127.0.0.1:1")), false))
                .isSameAs(LeaseStore.NONE);
    }
}
