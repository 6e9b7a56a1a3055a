package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.spi.HostSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lkp's roles environment: each role's hosts by the address the other hosts reach them at. */
class RolesEnvironmentTest {

    @Test
    void eachRoleListsItsHostsByTheAddressOtherHostsReachThemAt() {
        // A QEMU guest: SSH through a port forward on 127.0.0.1, the other guests reach it on their own network.
        HostSpec server = HostSpec.builder("qemu-1", "127.0.0.1").port(40001).networkAddress("10.0.3.11").build();
        HostSpec clientA = HostSpec.builder("qemu-2", "127.0.0.1").port(40002).networkAddress("10.0.3.12").build();
        HostSpec clientB = HostSpec.builder("lab-3", "10.253.77.4").build();
        Map<String, List<HostSpec>> hosts = new LinkedHashMap<>();
        hosts.put("server", List.of(server));
        hosts.put("load-client", List.of(clientA, clientB));

        Map<String, String> env = RolesEnvironment.of(hosts, "load-client");

        assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of(
                "node_roles", "load-client",
                "direct_server_ips", "10.0.3.11",
                "direct_load_client_ips", "10.0.3.12 10.253.77.4"));
    }
}
