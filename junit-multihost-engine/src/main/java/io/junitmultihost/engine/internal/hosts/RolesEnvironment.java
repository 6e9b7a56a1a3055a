package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.spi.HostSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * lkp-tests' roles_ip as the environment of every command on a class's hosts: {@code node_roles}
 * (the host's role) and {@code direct_ROLE_ips} (the addresses other hosts reach each role's hosts
 * at, separated by blanks: a QEMU guest's on the guests' network, not its SSH forward), so that a
 * host's shell knows its peers without asking anyone. Internal.
 */
final class RolesEnvironment {

    /** The prefix and suffix of each role's variable: lkp's own names. */
    static final String ROLE_PREFIX = "direct_";
    static final String ROLE_SUFFIX = "_ips";
    static final String OWN_ROLE = "node_roles";

    private RolesEnvironment() {
    }

    /** The environment of the commands of the host that holds {@code role}, among the class's {@code hosts}. */
    static Map<String, String> of(Map<String, List<HostSpec>> hosts, String role) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(OWN_ROLE, role);
        hosts.forEach((r, specs) -> env.put(variable(r),
                specs.stream().map(HostSpec::networkAddress).collect(Collectors.joining(" "))));
        return Map.copyOf(env);
    }

    /** {@code direct_ROLE_ips}, with each character a shell name cannot hold as {@code _}. */
    static String variable(String role) {
        return ROLE_PREFIX + role.replaceAll("[^A-Za-z0-9_]", "_") + ROLE_SUFFIX;
    }
}
