package io.junitmultihost.inventory;

import static io.junitmultihost.inventory.Inventories.hosts;
import static io.junitmultihost.inventory.Inventories.key;
import static io.junitmultihost.inventory.Inventories.provider;
import static io.junitmultihost.inventory.Inventories.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HostSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The INI and YAML forms of the same inventory give the same hosts. */
class AnsibleInventoryTest {

    @ParameterizedTest
    @ValueSource(strings = {"hosts.ini", "hosts.yml"})
    void groupsBecomeRolesWithTheirParentGroups(String inventory) {
        Map<String, HostSpec> hosts = hosts(inventory);

        assertThat(hosts).containsOnlyKeys("lonely.example.com", "web01.example.com", "web02.example.com", "web03.example.com",
                "web-special.example.com", "db1", "db2");
        assertThat(hosts.get("web02.example.com").roles()).containsExactlyInAnyOrder("web", "app", "prod", "all");
        assertThat(hosts.get("db1").roles()).containsExactlyInAnyOrder("db", "app", "prod", "all");
        assertThat(hosts.get("lonely.example.com").roles()).containsExactlyInAnyOrder("ungrouped", "all");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hosts.ini", "hosts.yml"})
    void groupVarsOfDeeperGroupsWinAndHostVarsWinOverAll(String inventory) {
        Map<String, HostSpec> hosts = hosts(inventory);

        // all: everyone/2000 < prod: produser/2100 < app: port 2200 < web: webuser
        HostSpec web = hosts.get("web01.example.com");
        assertThat(web.user()).isEqualTo("webuser");
        assertThat(web.port()).isEqualTo(2200);
        assertThat(web.address()).isEqualTo("web01.example.com");

        HostSpec special = hosts.get("web-special.example.com");
        assertThat(special.user()).isEqualTo("special");
        assertThat(special.port()).isEqualTo(2201);

        HostSpec db1 = hosts.get("db1");
        assertThat(db1.address()).isEqualTo("10.0.1.1");
        assertThat(db1.user()).isEqualTo("produser");
        assertThat(db1.port()).isEqualTo(5432);
        assertThat(db1.identityFile()).contains(key("id_db"));

        HostSpec db2 = hosts.get("db2");
        assertThat(db2.address()).isEqualTo("10.0.1.2");
        assertThat(db2.port()).isEqualTo(2200);
        assertThat(db2.identityFile()).isEmpty();

        HostSpec lonely = hosts.get("lonely.example.com");
        assertThat(lonely.user()).isEqualTo("solo");
        assertThat(lonely.port()).isEqualTo(2000);
    }

    @Test
    void hostsThatAnsibleReachesWithoutSshAreLeftOut() {
        assertThat(hosts("hosts.ini")).doesNotContainKey("localhost");
    }

    @Test
    void linesLoggedAboutValidEntriesDoNotCallThemBad(@TempDir Path dir) throws java.io.IOException {
        Path inventory = java.nio.file.Files.writeString(dir.resolve("hosts.ini"), String.join("\n",
                "[servers]", "local ansible_connection=local",
                "inner ansible_host=10.0.0.9 ansible_ssh_common_args='-o ProxyCommand=\"nc gate 22\"'", ""));

        String log = StderrLog.during(() -> hosts(inventory.toString()));

        assertThat(log).contains("[local]", "[inner]", "ProxyCommand", "line [2]", "line [3]").doesNotContain("Bad ");
    }

    @Test
    void askingForAGroupReturnsItsHostsAndThoseOfItsChildren() {
        InventoryHostProvider provider = provider("hosts.ini");

        assertThat(provider.hosts("app", 10, Set.of(), null)).extracting(HostSpec::name).containsExactly(
                "web01.example.com", "web02.example.com", "web03.example.com", "web-special.example.com", "db1", "db2");
        assertThat(provider.hosts("all", 10, Set.of(), null)).hasSize(7);
    }

    @Test
    void groupVarsAndHostVarsDirectoriesBesideTheInventoryFollowAnsiblesPrecedence() {
        Map<String, HostSpec> hosts = hosts("ansible/inventory.ini");

        // inline [web:vars] < group_vars/all.yml < group_vars/web/ < inline host vars < host_vars/
        assertThat(hosts.get("web1").user()).isEqualTo("from-group-vars-web-dir");
        assertThat(hosts.get("web1").port()).isEqualTo(2301);
        assertThat(hosts.get("web2").user()).isEqualTo("from-host-vars");
        assertThat(hosts.get("web2").port()).isEqualTo(2400);
        assertThat(hosts.get("web2").address()).isEqualTo("web2.internal");
        assertThat(hosts.get("db1").user()).isEqualTo("from-group-vars-all");
    }

    @Test
    void inventoriesWithoutExtensionAreRecognisedByTheirContent() {
        assertThat(hosts("production").get("w1").address()).isEqualTo("10.9.0.1");
        assertThat(hosts("staging").get("s1").address()).isEqualTo("10.8.0.1");
        assertThat(hosts("staging").get("s1").roles()).containsExactlyInAnyOrder("web", "all");
    }

    @Test
    void rangesExpandAsAnsibleExpandsThem() {
        Origin origin = Origin.inventory(resource("hosts.ini"), 1);

        assertThat(AnsibleHostPattern.parse("web[01:03].example.com", origin).names())
                .containsExactly("web01.example.com", "web02.example.com", "web03.example.com");
        assertThat(AnsibleHostPattern.parse("db-[a:c]", origin).names()).containsExactly("db-a", "db-b", "db-c");
        assertThat(AnsibleHostPattern.parse("n[0:10:5]-[x:y]", origin).names())
                .containsExactly("n0-x", "n0-y", "n5-x", "n5-y", "n10-x", "n10-y");
        assertThat(AnsibleHostPattern.parse("web[1:2]:2222", origin)).isEqualTo(
                new AnsibleHostPattern(List.of("web1", "web2"), "2222"));
        assertThat(AnsibleHostPattern.parse("[fe80::1]:22", origin).names()).containsExactly("fe80::1");
        assertThat(AnsibleHostPattern.parse("fe80::1", origin)).isEqualTo(new AnsibleHostPattern(List.of("fe80::1"), null));
    }

    @Test
    void aProxyJumpInTheSshArgsAnsiblePassesIsHonoured() {
        Map<String, HostSpec> hosts = hosts("ansible-proxy.ini");

        assertThat(hosts.get("inner1").proxyJump()).contains("ops@gate.example.com:2222");
        assertThat(hosts.get("inner2").proxyJump()).contains("gate2.example.com");
    }

    @Test
    void anUnknownSectionTypeIsNamedWithItsLine() {
        assertThatThrownBy(() -> provider("bad/ansible-bad-section.ini")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[" + resource("bad/ansible-bad-section.ini") + "] line [4]")
                .hasMessageContaining("the section [web:hosts] has the unknown type [hosts]; the known types are [vars, children]");
    }

    @Test
    void varsForAGroupThatIsNeverDefinedAreAnError() {
        assertThatThrownBy(() -> provider("bad/ansible-vars-undefined.ini"))
                .hasMessageContaining("line [4]").hasMessageContaining("[ghost:vars] is for a group that is never defined");
    }

    @Test
    void aHostVarWithoutValueIsNamedWithItsLine() {
        assertThatThrownBy(() -> provider("bad/ansible-bad-hostvar.ini"))
                .hasMessageContaining("line [2]").hasMessageContaining("expected [key=value] after the host [web1], got [ansible_port]");
    }

    @Test
    void aBadPortInAHostVarNamesHostAndLine() {
        assertThatThrownBy(() -> provider("bad/ansible-bad-port.ini"))
                .hasMessageContaining("line [3]").hasMessageContaining("the host [web2] has the port [http]");
    }

    @Test
    void aGroupThatContainsItselfIsAnError() {
        assertThatThrownBy(() -> provider("bad/ansible-cycle.ini"))
                .hasMessageContaining("ansible-cycle.ini] line [")
                .hasMessageContaining("is its own ancestor");
    }

    @Test
    void anUnknownKeyInAYamlGroupListsTheKnownOnes() {
        assertThatThrownBy(() -> provider("bad/ansible-unknown-group-key.yml"))
                .hasMessageContaining("line [4]")
                .hasMessageContaining("unknown key [host] in the group [web]; the known keys are [hosts, vars, children]");
    }

    @Test
    void aJinjaExpressionIsRefusedRatherThanTakenLiterally() {
        assertThatThrownBy(() -> provider("bad/ansible-jinja.ini"))
                .hasMessageContaining("line [2]").hasMessageContaining("cannot evaluate");
        assertThatThrownBy(() -> provider("bad/ansible-undefined-ref.ini"))
                .hasMessageContaining("line [2]").hasMessageContaining("refers to [undefined_var], which is not set for it");
    }

    @Test
    void aBadRangeIsNamedWithItsLine() {
        assertThatThrownBy(() -> provider("bad/ansible-bad-range.ini"))
                .hasMessageContaining("line [2]").hasMessageContaining("the host range [1:x]");
    }

    @Test
    void aRebootCommandComesFromHostVarsElseGroupVars() {
        Map<String, HostSpec> hosts = hosts("reboot-commands.ini");

        assertThat(hosts.get("bb1").rebootCommand()).contains("reboot -f");
        assertThat(hosts.get("bb2").rebootCommand()).contains("/sbin/reboot -f -d 1");
        assertThat(hosts.get("deb1").rebootCommand()).isEmpty();
    }
}
