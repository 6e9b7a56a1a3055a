package io.junitmultihost.inventory;

import static io.junitmultihost.inventory.Inventories.hosts;
import static io.junitmultihost.inventory.Inventories.key;
import static io.junitmultihost.inventory.Inventories.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.spi.HostSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigTest {

    private static Map<String, HostSpec> withConfig(String inventory, Path sshConfig) {
        return hosts(inventory, InventoryConstants.SSH_CONFIG, sshConfig.toString());
    }

    private static Map<String, HostSpec> withConfig(String inventory) {
        return withConfig(inventory, resource("ssh/config"));
    }

    @Test
    void anAliasTakesHostNameUserPortAndIdentityFromTheSshConfig() {
        HostSpec db = withConfig("ssh-hosts.yml").get("db-alias");

        assertThat(db.address()).isEqualTo("10.0.3.1");
        assertThat(db.user()).isEqualTo("dba");
        assertThat(db.port()).isEqualTo(2345);
        assertThat(db.identityFile()).contains(key("id_db"));
    }

    @Test
    void inventoryValuesWinOverTheSshConfigButHostNameStillResolvesTheAddress() {
        HostSpec db = withConfig("ssh-hosts.yml").get("db-override");

        assertThat(db.address()).isEqualTo("10.0.3.1");
        assertThat(db.user()).isEqualTo("me");
        assertThat(db.port()).isEqualTo(22);
        assertThat(db.identityFile()).contains(key("id_ci"));
    }

    @Test
    void aProxyCommandInTheSshConfigIsWarnedAboutNamingTheHostFileAndLine(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("config"), String.join("\n",
                "Host bastioned", "  HostName 10.9.9.9", "  ProxyCommand ssh -W %h:%p gate", ""));
        Path inventory = Files.writeString(dir.resolve("hosts.yml"), "hosts:\n  - name: bastioned\n");

        Map<String, HostSpec>[] hosts = new Map[1];
        String log = StderrLog.during(() -> hosts[0] = hosts(inventory.toString(), InventoryConstants.SSH_CONFIG,
                config.toString()));

        assertThat(hosts[0].get("bastioned").address()).isEqualTo("10.9.9.9");
        assertThat(log).contains("WARN", "[bastioned]", "ProxyCommand", config + "] line [3]", "ProxyJump")
                .doesNotContain("Bad ");
    }

    @Test
    void wildcardsMatchNegationsExcludeAndTheFirstValueObtainedWins() {
        Map<String, HostSpec> hosts = withConfig("ssh-hosts.yml");

        HostSpec web1 = hosts.get("web1");
        assertThat(web1.user()).isEqualTo("webops");
        assertThat(web1.port()).isEqualTo(2200);
        assertThat(web1.identityFile()).as("the first IdentityFile that exists, with %h expanded").contains(key("id_web1.example.com"));

        HostSpec web9 = hosts.get("web9");
        assertThat(web9.user()).isEqualTo("fallback");
        assertThat(web9.identityFile()).contains(key("id_default"));
    }

    @Test
    void aProxyJumpHopIsCompletedFromItsOwnHostBlock() {
        Map<String, HostSpec> hosts = withConfig("ssh-hosts.yml");

        assertThat(hosts.get("app").proxyJump()).contains("jump@192.0.2.1:2022");
        assertThat(hosts.get("direct").proxyJump()).as("proxy_jump: none").isEmpty();
        assertThat(hosts.get("direct").user()).as("looked up by its address, matched by Host *").isEqualTo("fallback");
    }

    @Test
    void includedFilesAreRead() {
        assertThat(withConfig("ssh-hosts.yml").get("included").address()).isEqualTo("10.0.4.1");
    }

    @Test
    void ansibleHostsAreLookedUpByTheirAnsibleHost() {
        HostSpec lonely = withConfig("hosts.ini").get("lonely.example.com");

        assertThat(lonely.user()).as("ansible_user beats the config").isEqualTo("solo");
        assertThat(lonely.port()).as("ansible_port from [all:vars] beats the config").isEqualTo(2000);
        assertThat(lonely.identityFile()).as("no ansible_ssh_private_key_file: the config's").contains(key("id_default"));
    }

    @Test
    void tokensAndTildeAreExpandedInIdentityFile(@TempDir Path home) throws IOException {
        Files.createDirectories(home.resolve("keys"));
        Path expected = Files.writeString(home.resolve("keys/fallback-2200"), "key");
        String realHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            HostSpec tokens = withConfig("ssh-tokens.yml").get("tokens");

            assertThat(tokens.address()).isEqualTo("tokens.example.org");
            assertThat(tokens.identityFile()).contains(expected);
        } finally {
            System.setProperty("user.home", realHome);
        }
    }

    @Test
    void aTildeInTheInventoryIsTheHomeDirectory(@TempDir Path home) throws IOException {
        Files.createDirectories(home.resolve(".ssh"));
        Path expected = Files.writeString(home.resolve(".ssh/id_ed25519"), "key");
        Path inventory = Files.writeString(home.resolve("inventory.yml"),
                "hosts:\n  - name: h1\n    address: 10.0.0.1\n    identity: ~/.ssh/id_ed25519\n");
        String realHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            HostSpec h1 = hosts(inventory.toString()).get("h1");

            assertThat(h1.identityFile()).contains(expected);
        } finally {
            System.setProperty("user.home", realHome);
        }
    }

    @Test
    void aHostNameFromTheSshConfigStandsInForAMissingAddress(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("config"), "Host nowhere\n  HostName 10.7.7.7\n");

        HostSpec nowhere = withConfig("bad/missing-address.yml", config).get("nowhere");

        assertThat(nowhere.address()).isEqualTo("10.7.7.7");
    }

    @Test
    void aMissingAddressNamesTheSshConfigThatCouldHaveGivenIt(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("config"), "Host other\n  HostName 10.7.7.7\n");

        assertThatThrownBy(() -> withConfig("bad/missing-address.yml", config))
                .hasMessageContaining("missing-address.yml] line [4]")
                .hasMessageContaining("the host [nowhere] has no address; add [address: ...] to it, or a [HostName] for [nowhere] "
                        + "to the SSH config [" + config + "]");
    }

    @Test
    void anUnsupportedTokenNamesTheSshConfigLine() {
        assertThatThrownBy(() -> withConfig("bad/one-host.yml", resource("bad/unknown-token.conf")))
                .hasMessageContaining("Bad SSH config [" + resource("bad/unknown-token.conf") + "] line [2]")
                .hasMessageContaining("[IdentityFile] uses the token [%C]");
    }

    @Test
    void aBadPortInTheSshConfigNamesItsLine() {
        assertThatThrownBy(() -> withConfig("bad/one-host.yml", resource("bad/bad-port.conf")))
                .hasMessageContaining("Bad SSH config [" + resource("bad/bad-port.conf") + "] line [2]")
                .hasMessageContaining("the host [db1] has the port [99999]");
    }

    @Test
    void anUnreadableIdentityFileFromTheSshConfigIsAnError(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("a-directory-not-a-key"));
        Path config = Files.writeString(dir.resolve("config"), "Host *\n  IdentityFile a-directory-not-a-key\n");

        assertThatThrownBy(() -> withConfig("bad/one-host.yml", config))
                .hasMessageContaining("Bad SSH config [" + config + "] line [2]")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void userKnownHostsFileGivesTheKnownHostsLines(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kh"), "# comment\n[10.0.0.5]:22 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample\n\n");
        Path config = Files.writeString(dir.resolve("config"), "Host 10.0.0.*\n  UserKnownHostsFile kh /nonexistent\n");

        HostSpec db1 = withConfig("bad/one-host.yml", config).get("db1");

        assertThat(db1.knownHosts()).containsExactly("[10.0.0.5]:22 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample");
    }

    @Test
    void anExplicitSshConfigThatDoesNotExistIsAnError() {
        assertThatThrownBy(() -> withConfig("bad/one-host.yml", Path.of("/nonexistent/ssh_config")))
                .hasMessageContaining("The SSH config [/nonexistent/ssh_config]")
                .hasMessageContaining("does not exist");
    }

    @Test
    void matchHostAndNegatedCriteriaAreEvaluated(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("config"), String.join("\n",
                "Host db1", "  HostName db1.prod.example.com",
                "Match host *.prod.example.com !user nobody", "  Port 2022",
                "Match exec \"true\"", "  User never-used",
                "Match user root,ci", "  User never-used-either", ""));

        Path inventory = Files.writeString(dir.resolve("inventory.yml"), "hosts:\n  - name: db1\n");

        HostSpec db1 = withConfig(inventory.toString(), config).get("db1");

        assertThat(db1.port()).isEqualTo(2022);
        assertThat(db1.address()).isEqualTo("db1.prod.example.com");
    }
}
