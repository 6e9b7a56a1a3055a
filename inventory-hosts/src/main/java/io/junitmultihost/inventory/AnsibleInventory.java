package io.junitmultihost.inventory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An Ansible inventory as read from its INI or YAML form: groups with their hosts, children and
 * vars, and hosts with their vars, each with where it was written. Built by one parser, then
 * handed to {@link AnsibleHostEntries}; not thread-safe while being built.
 */
final class AnsibleInventory {

    static final String ALL = "all";
    static final String UNGROUPED = "ungrouped";

    /** One group. */
    static final class Group {
        final String name;
        final Origin origin;
        final Map<String, Setting> vars = new LinkedHashMap<>();
        final Map<String, Origin> children = new LinkedHashMap<>();
        final Set<String> hosts = new LinkedHashSet<>();

        Group(String name, Origin origin) {
            this.name = name;
            this.origin = origin;
        }
    }

    /** One host. */
    static final class Host {
        final String name;
        final Origin origin;
        final Map<String, Setting> vars = new LinkedHashMap<>();

        Host(String name, Origin origin) {
            this.name = name;
            this.origin = origin;
        }
    }

    final Path file;
    final Map<String, Group> groups = new LinkedHashMap<>();
    final Map<String, Host> hosts = new LinkedHashMap<>();

    AnsibleInventory(Path file) {
        this.file = file;
    }

    Group group(String name, Origin origin) {
        return groups.computeIfAbsent(name, n -> new Group(n, origin));
    }

    /** Adds the host (once) to {@code group}; its vars are merged by the caller. */
    Host addHost(Group group, String name, Origin origin) {
        group.hosts.add(name);
        return hosts.computeIfAbsent(name, n -> new Host(n, origin));
    }

    void addChild(Group parent, String child, Origin origin) {
        group(child, origin);
        parent.children.putIfAbsent(child, origin);
    }
}
