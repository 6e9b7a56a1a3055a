package io.junitmultihost.inventory;

import java.util.Map;
import java.util.Set;

/**
 * What an inventory says about one host, before the SSH config and defaults fill the gaps. Any
 * setting may be null (not given).
 *
 * @param origin where the host is defined, named when something about it is missing
 * @param nameIsAddress whether the name may serve as the address (Ansible's rule) when nothing
 *     else gives one
 * @param rebootCommand the command that reboots the host, when not the run's default
 */
record HostEntry(String name, Origin origin, Setting address, Setting port, Setting user,
        Setting identity, Setting proxyJump, Set<String> roles, Map<String, String> labels,
        boolean nameIsAddress, Setting rebootCommand) {

    HostEntry {
        roles = Set.copyOf(roles);
        labels = Map.copyOf(labels);
    }
}
