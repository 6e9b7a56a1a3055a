package io.junitmultihost.inventory;

import static io.junitmultihost.inventory.Inventories.provider;
import static io.junitmultihost.inventory.Inventories.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryHostProviderTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    void theFactoryIsFoundByServiceLoaderUnderTheNameInventory() {
        assertThat(ServiceLoader.load(HostProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals("inventory")).toList())
                .singleElement().isInstanceOf(InventoryHostProviderFactory.class);
    }

    @Test
    void hostsOfARoleAreHandedOutInInventoryOrderUpToTheNumberWanted() {
        try (HostProvider provider = provider("hosts.ini")) {
            assertThat(provider.hosts("web", 2, Set.of(), DEADLINE)).extracting(HostSpec::name)
                    .containsExactly("web01.example.com", "web02.example.com");
        }
    }

    @Test
    void aFixedFleetNeverHandsOutMoreThanItHasNorABusyHost() {
        try (HostProvider provider = provider("hosts.ini")) {
            assertThat(provider.hosts("web", 10, Set.of("web02.example.com"), DEADLINE)).extracting(HostSpec::name)
                    .containsExactly("web01.example.com", "web03.example.com", "web-special.example.com");
            assertThat(provider.hosts("db", 10, Set.of("db1", "db2"), DEADLINE)).as("all busy is not an error").isEmpty();
            assertThat(provider.hosts("db", 0, Set.of(), DEADLINE)).isEmpty();
        }
    }

    @Test
    void atMostTheInventorysHostsAreGivenAndOfARoleThoseThatServeIt() {
        try (HostProvider provider = provider("hosts.ini")) {
            assertThat(provider.maxHosts("web")).isEqualTo(4);
            assertThat(provider.maxHosts()).isGreaterThanOrEqualTo(provider.maxHosts("web") + provider.maxHosts("db"));
            assertThatThrownBy(() -> provider.maxHosts("cache")).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("has no host for the role [cache]");
        }
    }

    @Test
    void aRoleNoHostServesIsAnErrorThatListsTheRolesThereAre() {
        try (HostProvider provider = provider("hosts.ini")) {
            assertThatThrownBy(() -> provider.hosts("cache", 1, Set.of(), DEADLINE))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("The inventory [" + resource("hosts.ini") + "] has no host for the role [cache]; its roles are "
                            + "[all, app, db, prod, ungrouped, web]. Add the role to some hosts (a group of that name in an Ansible "
                            + "inventory) or use one of these.");
        }
    }

    @Test
    void withoutAnInventoryFileTheFactorySaysWhichKeyToSet() {
        assertThatThrownBy(() -> new InventoryHostProviderFactory().create(new ProviderConfig(Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("set [multihost.inventory=PATH]");
    }

    @Test
    void anInventoryThatDoesNotExistOrIsADirectoryIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> create(Map.of(InventoryConstants.INVENTORY, dir.resolve("nope.yml").toString())))
                .hasMessageContaining("The inventory [" + dir.resolve("nope.yml") + "]").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> create(Map.of(InventoryConstants.INVENTORY, dir.toString())))
                .hasMessageContaining("is a directory");
    }

    @Test
    void hostKeysAreCheckedStrictlyUnlessTheOptOutIsSet() {
        assertThat(provider("multihost.yml").all()).allMatch(HostSpec::strictHostKeyChecking);
        assertThat(provider("multihost.yml", InventoryConstants.STRICT_HOST_KEY_CHECKING, "false").all())
                .noneMatch(HostSpec::strictHostKeyChecking);
        assertThatThrownBy(() -> provider("multihost.yml", InventoryConstants.STRICT_HOST_KEY_CHECKING, "no"))
                .hasMessageContaining("must be true or false");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"web 1", "db;rm", "a,b", "-opt", "x$(id)"})
    void aHostNameThatCannotServeAsAParticipantIsRefusedAtLoadNamingFileAndLine(String name, @TempDir Path dir)
            throws IOException {
        String quoted = "'" + name + "'";
        Path yaml = Files.writeString(dir.resolve("multihost.yml"), "hosts:\n  - name: ok1\n    address: 10.0.0.1\n"
                + "  - name: " + quoted + "\n    address: 10.0.0.2\n");
        Path ansibleYaml = Files.writeString(dir.resolve("ansible.yml"), "all:\n  hosts:\n    ok1:\n    " + quoted
                + ":\n      ansible_host: 10.0.0.2\n");

        assertThatThrownBy(() -> provider(yaml.toString())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Bad inventory [" + yaml + "] line [4]").hasMessageContaining("[" + name + "]");
        assertThatThrownBy(() -> provider(ansibleYaml.toString())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Bad inventory [" + ansibleYaml + "] line [4]").hasMessageContaining("[" + name + "]");
        if (!name.contains(" ")) { // INI separates a host's fields with blanks
            Path ini = Files.writeString(dir.resolve("hosts.ini"), "[web]\nok1 ansible_host=10.0.0.1\n" + name
                    + " ansible_host=10.0.0.2\n");
            assertThatThrownBy(() -> provider(ini.toString())).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("Bad inventory [" + ini + "] line [3]").hasMessageContaining("[" + name + "]");
        }
    }

    @Test
    void aHostNamedControllerIsRefusedAtLoadForTheNameIsTheTestJvmsInSyncs(@TempDir Path dir) throws IOException {
        Path yaml = Files.writeString(dir.resolve("multihost.yml"), "hosts:\n  - name: ok1\n    address: 10.0.0.1\n"
                + "  - name: controller\n    address: 10.0.0.2\n");
        Path ini = Files.writeString(dir.resolve("hosts.ini"), "[web]\nok1 ansible_host=10.0.0.1\ncontroller ansible_host=10.0.0.2\n");

        assertThatThrownBy(() -> provider(yaml.toString())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Bad inventory [" + yaml + "] line [4]")
                .hasMessageContaining("[controller] is reserved").hasMessageContaining("test JVM");
        assertThatThrownBy(() -> provider(ini.toString())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Bad inventory [" + ini + "] line [3]").hasMessageContaining("[controller] is reserved");
    }

    @Test
    void aKnownHostsFileVouchesForEveryHost(@TempDir Path dir) throws IOException {
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
                "# fleet\n[10.0.0.5]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne\n10.0.0.6 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo\n");

        assertThat(provider("multihost.yml", InventoryConstants.KNOWN_HOSTS, knownHosts.toString()).all())
                .allSatisfy(h -> assertThat(h.knownHosts()).containsExactly(
                        "[10.0.0.5]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne",
                        "10.0.0.6 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo"));
        assertThat(provider("multihost.yml", InventoryConstants.KNOWN_HOSTS, knownHosts.toString()).all())
                .as("what a refused host key names").allSatisfy(h -> {
                    assertThat(h.knownHostsFile()).contains(knownHosts);
                    assertThat(h.knownHostsSetting()).contains(InventoryConstants.KNOWN_HOSTS);
                });
        assertThatThrownBy(() -> provider("multihost.yml", InventoryConstants.KNOWN_HOSTS, dir.resolve("nope").toString()))
                .hasMessageContaining("The known_hosts file from [multihost.inventory.known-hosts] [" + dir.resolve("nope") + "]");
    }

    @Test
    void aDuplicateYamlKeyNamesBothLines(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("hosts.yml"), "hosts:\n  - name: a\n    address: 10.0.0.1\n    address: 10.0.0.2\n");

        assertThatThrownBy(() -> create(Map.of(InventoryConstants.INVENTORY, file.toString(), InventoryConstants.SSH_CONFIG, "none")))
                .hasMessageContaining("[" + file + "] line [4]")
                .hasMessageContaining("[address] appears twice");
    }

    @Test
    void theFormatIsTakenFromTheExtensionOrElseTheContent() {
        assertThat(InventoryFormat.read(resource("multihost.yml")).format()).isEqualTo(InventoryFormat.MULTIHOST_YAML);
        assertThat(InventoryFormat.read(resource("hosts.yml")).format()).isEqualTo(InventoryFormat.ANSIBLE_YAML);
        assertThat(InventoryFormat.read(resource("hosts.ini")).format()).isEqualTo(InventoryFormat.ANSIBLE_INI);
        assertThat(InventoryFormat.read(resource("production")).format()).isEqualTo(InventoryFormat.ANSIBLE_INI);
        assertThat(InventoryFormat.read(resource("staging")).format()).isEqualTo(InventoryFormat.ANSIBLE_YAML);
    }

    private static HostProvider create(Map<String, String> values) {
        return new InventoryHostProviderFactory().create(new ProviderConfig(values));
    }
}
