package io.junitmultihost.inventory;

import static io.junitmultihost.inventory.Inventories.hosts;
import static io.junitmultihost.inventory.Inventories.key;
import static io.junitmultihost.inventory.Inventories.provider;
import static io.junitmultihost.inventory.Inventories.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HostSpec;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MultihostYamlInventoryTest {

    @Test
    void hostsTakeTheirOwnValuesOverTheDefaults() {
        Map<String, HostSpec> hosts = hosts("multihost.yml");

        assertThat(hosts).containsOnlyKeys("db1", "db2", "web1", "anything");
        HostSpec db1 = hosts.get("db1");
        assertThat(db1.address()).isEqualTo("10.0.0.5");
        assertThat(db1.user()).isEqualTo("ci");
        assertThat(db1.port()).isEqualTo(2222);
        assertThat(db1.identityFile()).contains(key("id_ci"));
        assertThat(db1.roles()).containsExactly("db");
        assertThat(db1.labels()).isEqualTo(Map.of("dc", "east", "rack", "r7"));
        assertThat(db1.strictHostKeyChecking()).isTrue();
        assertThat(db1.knownHosts()).isEmpty();
        assertThat(db1.proxyJump()).isEmpty();

        HostSpec db2 = hosts.get("db2");
        assertThat(db2.user()).isEqualTo("postgres");
        assertThat(db2.port()).isEqualTo(22);
        assertThat(db2.identityFile()).contains(key("id_db"));
        assertThat(db2.roles()).containsExactlyInAnyOrder("db", "backup");
    }

    @Test
    void aSingleRoleMayBeWrittenWithoutAListAndAProxyJumpIsKeptAsWritten() {
        HostSpec web1 = hosts("multihost.yml").get("web1");

        assertThat(web1.roles()).containsExactly("web");
        assertThat(web1.proxyJump()).contains("admin@bastion.example.com:2200");
    }

    @Test
    void aHostWithoutRolesServesAnyRole() {
        HostSpec anything = hosts("multihost.yml").get("anything");

        assertThat(anything.roles()).isEmpty();
        assertThat(provider("multihost.yml").hosts("cache", 5, Set.of(), null)).extracting(HostSpec::name)
                .containsExactly("anything");
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheKnownKeys() {
        assertThatThrownBy(() -> provider("bad/unknown-key.yml"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[" + resource("bad/unknown-key.yml") + "] line [4]")
                .hasMessageContaining("unknown key [adress]")
                .hasMessageContaining("[name, address, port, user, identity, proxy_jump, roles, labels, reboot_command]");
    }

    @Test
    void anUnknownKeyInDefaultsListsTheKeysDefaultsTake() {
        assertThatThrownBy(() -> provider("bad/unknown-default-key.yml"))
                .hasMessageContaining("line [3]")
                .hasMessageContaining("unknown key [address] in [defaults]")
                .hasMessageContaining("[port, user, identity, proxy_jump, labels, reboot_command]");
    }

    @Test
    void anUnknownTopLevelKeyIsNamed() {
        assertThatThrownBy(() -> provider("bad/unknown-top-key.yml"))
                .hasMessageContaining("line [3]")
                .hasMessageContaining("unknown key [host] at the top of the inventory; the known keys are [defaults, hosts]");
    }

    @Test
    void aDuplicateHostNamesBothLines() {
        assertThatThrownBy(() -> provider("bad/duplicate-host.yml"))
                .hasMessageContaining("[" + resource("bad/duplicate-host.yml") + "] line [4]")
                .hasMessageContaining("the host [db1] is listed twice, first at line [2]");
    }

    @Test
    void aHostWithoutAddressOrSshConfigHostNameIsAnError() {
        assertThatThrownBy(() -> provider("bad/missing-address.yml"))
                .hasMessageContaining("[" + resource("bad/missing-address.yml") + "] line [4]")
                .hasMessageContaining("the host [nowhere] has no address");
    }

    @Test
    void aPortThatIsNoNumberNamesItsLine() {
        assertThatThrownBy(() -> provider("bad/bad-port.yml"))
                .hasMessageContaining("line [4]")
                .hasMessageContaining("the host [db1] has the port [eighty]; write a number from 1 to 65535.");
    }

    @Test
    void aDefaultPortOutOfRangeNamesTheDefaultsLine() {
        assertThatThrownBy(() -> provider("bad/port-out-of-range.yml"))
                .hasMessageContaining("line [2]")
                .hasMessageContaining("has the port [70000]");
    }

    @Test
    void aMissingIdentityFileNamesItsLineAndPath() {
        assertThatThrownBy(() -> provider("bad/missing-identity.yml"))
                .hasMessageContaining("[" + resource("bad/missing-identity.yml") + "] line [5]")
                .hasMessageContaining("the identity file [" + resource("keys").resolve("no-such-key") + "] of host [db1] does not exist");
    }

    @Test
    void invalidYamlNamesTheLineWhereTheParserGaveUp() {
        assertThatThrownBy(() -> provider("bad/not-yaml.yml"))
                .hasMessageMatching("(?s)Bad inventory \\[.*not-yaml.yml\\] line \\[[34]\\]: not valid YAML: .*");
    }

    @Test
    void anInventoryWithoutHostsSaysSo() {
        assertThatThrownBy(() -> provider("bad/no-hosts.yml"))
                .hasMessageContaining("line [1]")
                .hasMessageContaining("the inventory lists no hosts");
    }

    @Test
    void aHostWithoutNameNamesItsLine() {
        assertThatThrownBy(() -> provider("bad/no-name.yml"))
                .hasMessageContaining("line [2]")
                .hasMessageContaining("a host has no [name]");
    }

    @Test
    void aRebootCommandComesFromTheHostElseTheDefaults() {
        Map<String, HostSpec> hosts = hosts("reboot-commands.yml");

        assertThat(hosts.get("appliance").rebootCommand()).contains("reboot -f");
        assertThat(hosts.get("server").rebootCommand()).contains("systemctl reboot");
        assertThat(hosts("multihost.yml").get("db1").rebootCommand()).as("none given: the run's default").isEmpty();
    }

    @Test
    void anEmptyRebootCommandIsNamedWithItsLine() {
        assertThatThrownBy(() -> hosts("bad/empty-reboot-command.yml"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("line [4]")
                .hasMessageContaining("the reboot command of host [h1] is empty");
    }
}
