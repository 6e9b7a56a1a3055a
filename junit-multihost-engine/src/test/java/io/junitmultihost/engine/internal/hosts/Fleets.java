package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.spi.HostSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Inventories of ours, written for tests of fleets that several runs share. */
final class Fleets {

    private Fleets() {
    }

    /**
     * An inventory naming {@code hosts} (role {@code node}) in {@code dir}, with their known_hosts, and the
     * settings a run uses to read it, plus {@code more}.
     */
    static Map<String, String> inventoryOf(List<HostSpec> hosts, Path dir, Map<String, String> more) throws IOException {
        List<String> knownHosts = new ArrayList<>();
        StringBuilder yaml = new StringBuilder("hosts:\n");
        for (HostSpec spec : hosts) {
            knownHosts.addAll(spec.knownHosts());
            yaml.append("  - name: ").append(spec.name()).append('\n')
                    .append("    address: ").append(spec.address()).append('\n')
                    .append("    port: ").append(spec.port()).append('\n')
                    .append("    user: ").append(spec.user()).append('\n')
                    .append("    identity: ").append(spec.identityFile().orElseThrow()).append('\n')
                    .append("    roles: [node]\n");
        }
        Files.createDirectories(dir);
        Path knownHostsFile = Files.write(dir.resolve("known_hosts"), knownHosts);
        Path inventory = Files.writeString(dir.resolve("hosts.yml"), yaml);
        Map<String, String> settings = new HashMap<>(Map.of("multihost.provider", "inventory", "multihost.inventory",
                inventory.toString(), "multihost.inventory.known-hosts", knownHostsFile.toString(),
                "multihost.inventory.ssh-config", "none"));
        settings.putAll(more);
        return settings;
    }

    /**
     * {@code count} hosts at documentation addresses (192.0.2.0/24, never routed): enough for leasing,
     * which connects to no host when every role's min is its count.
     */
    static List<HostSpec> unreachable(int count, Path dir) throws IOException {
        Path key = Files.writeString(dir.resolve("id_none"), "not a key: these hosts are never connected to\n");
        List<HostSpec> hosts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            hosts.add(HostSpec.builder("fleet-" + i, "192.0.2." + i).user("tester").identityFile(key)
                    .knownHosts(List.of("192.0.2." + i + " ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"))
                    .build());
        }
        return hosts;
    }
}
