package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jcraft.jsch.OpenSSHConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A ProxyJump hop is a host of its own, as ssh_config has it: it does not take the target's
 * password, key or host-key rules, and a hop ssh cannot read is refused naming the host.
 */
class JumpTargetTest {

    private static final SshTarget TARGET = SshTarget.builder("db-1", "10.0.0.5").user("deploy").password("target-secret")
            .identityFile(Path.of("/keys/target_key")).strictHostKeyChecking(false).knownHosts(List.of("10.0.0.1 ssh-ed25519 AAAA"))
            .build();

    @Test
    void aHopDoesNotInheritTheTargetsPasswordKeyOrHostKeyLeniency() {
        SshTarget hop = Connector.jumpTarget(TARGET, "admin@bastion:2222");
        assertThat(hop.host()).isEqualTo("bastion");
        assertThat(hop.port()).isEqualTo(2222);
        assertThat(hop.user()).isEqualTo("admin");
        assertThat(hop.password()).isNull();
        assertThat(hop.identityFile()).as("the default keys and the agent, as ssh would").isNull();
        assertThat(hop.strictHostKeyChecking()).isTrue();
        assertThat(hop.knownHosts()).as("one known_hosts for every host, as ssh's").isEqualTo(TARGET.knownHosts());
    }

    @Test
    void aHopWithoutAUserLogsInAsTheLocalUserAsSshWould() {
        assertThat(Connector.jumpTarget(TARGET, "bastion").user()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void aHopTakesItsUserKeyAndHostKeyRuleFromTheSshConfig() throws Exception {
        OpenSSHConfig config = OpenSSHConfig.parse("Host bastion\n  User jumper\n  IdentityFile /keys/jump_key\n"
                + "  StrictHostKeyChecking no\n");
        SshTarget hop = Connector.jumpTarget(TARGET, "bastion", config);
        assertThat(hop.user()).isEqualTo("jumper");
        assertThat(hop.identityFile()).isEqualTo(Path.of("/keys/jump_key"));
        assertThat(hop.strictHostKeyChecking()).isFalse();
        assertThat(Connector.jumpTarget(TARGET, "other", config).strictHostKeyChecking()).isTrue();
    }

    @Test
    void aHopPortThatIsNotAPortIsRefusedNamingTheHostAndTheHop() {
        for (String hop : List.of("bastion:22x", "bastion:99999", "[::1]:port", "bastion:")) {
            assertThatThrownBy(() -> Connector.jumpTarget(TARGET, hop)).as(hop)
                    .isInstanceOf(SshConnectException.class)
                    .hasMessageContaining("Host [" + TARGET.describe() + "]")
                    .hasMessageContaining("ProxyJump hop [" + hop + "]")
                    .hasMessageContaining("1..65535");
        }
    }
}
