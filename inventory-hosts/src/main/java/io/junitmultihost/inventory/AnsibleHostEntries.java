package io.junitmultihost.inventory;

import io.junitmultihost.inventory.AnsibleInventory.Group;
import io.junitmultihost.inventory.AnsibleInventory.Host;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@link AnsibleInventory} into host entries as Ansible would see them: every group a
 * host is in (through children too) becomes a role, and its vars merge in Ansible's order, later
 * winning: the vars of group {@code all}, of its other groups (by depth, then
 * {@code ansible_group_priority}, then name), {@code group_vars/all}, {@code group_vars/GROUP} in
 * the same order, the host's own vars, {@code host_vars/HOST}.
 */
final class AnsibleHostEntries {

    private static final Logger LOG = LoggerFactory.getLogger(AnsibleHostEntries.class);
    /** The var (host, group, group_vars, host_vars) giving the command that reboots a host: {@code reboot -f}, say. */
    static final String REBOOT_COMMAND_VAR = "multihost_reboot_command";
    private static final Set<String> SSH_CONNECTIONS = Set.of("ssh", "smart", "paramiko", "paramiko_ssh");
    private static final Pattern SIMPLE_TEMPLATE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private final AnsibleInventory inventory;
    private final AnsibleVarsFiles varsFiles;
    private final Map<String, Set<String>> parents = new HashMap<>();
    private final Map<String, Integer> depths = new HashMap<>();

    private AnsibleHostEntries(AnsibleInventory inventory) {
        this.inventory = inventory;
        this.varsFiles = new AnsibleVarsFiles(inventory.file.toAbsolutePath().getParent());
    }

    static List<HostEntry> of(AnsibleInventory inventory) {
        return new AnsibleHostEntries(inventory).entries();
    }

    private List<HostEntry> entries() {
        if (inventory.hosts.isEmpty()) {
            throw Origin.inventory(inventory.file, 1).error("the Ansible inventory lists no hosts; add at least one.");
        }
        reconcile();
        for (Group group : inventory.groups.values()) {
            depth(group.name, new LinkedHashSet<>());
        }
        List<HostEntry> entries = new ArrayList<>();
        for (Host host : inventory.hosts.values()) {
            HostEntry entry = entry(host);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** As Ansible does: every group is under {@code all}, every host without a group is {@code ungrouped}. */
    private void reconcile() {
        Origin top = Origin.inventory(inventory.file, 1);
        Group all = inventory.group(AnsibleInventory.ALL, top);
        inventory.addChild(all, AnsibleInventory.UNGROUPED, top);
        Group ungrouped = inventory.groups.get(AnsibleInventory.UNGROUPED);
        for (Group group : inventory.groups.values()) {
            for (String child : group.children.keySet()) {
                parents.computeIfAbsent(child, c -> new LinkedHashSet<>()).add(group.name);
            }
        }
        for (Group group : List.copyOf(inventory.groups.values())) {
            if (!group.name.equals(AnsibleInventory.ALL) && !parents.containsKey(group.name)) {
                all.children.putIfAbsent(group.name, group.origin);
                parents.computeIfAbsent(group.name, c -> new LinkedHashSet<>()).add(AnsibleInventory.ALL);
            }
        }
        for (Host host : inventory.hosts.values()) {
            boolean inAGroup = inventory.groups.values().stream()
                    .anyMatch(g -> !g.name.equals(AnsibleInventory.ALL) && g.hosts.contains(host.name));
            if (!inAGroup) {
                ungrouped.hosts.add(host.name);
            }
        }
    }

    private int depth(String group, Set<String> path) {
        Integer known = depths.get(group);
        if (known != null) {
            return known;
        }
        if (!path.add(group)) {
            Group g = inventory.groups.get(group);
            throw g.origin.error("the group [" + group + "] is its own ancestor (" + String.join(" > ", path) + " > " + group
                    + "); remove one of these children.");
        }
        int depth = 0;
        for (String parent : parents.getOrDefault(group, Set.of())) {
            depth = Math.max(depth, depth(parent, path) + 1);
        }
        path.remove(group);
        depths.put(group, depth);
        return depth;
    }

    private HostEntry entry(Host host) {
        Set<String> groups = new LinkedHashSet<>();
        for (Group group : inventory.groups.values()) {
            if (group.hosts.contains(host.name)) {
                addWithAncestors(group.name, groups);
            }
        }
        List<Group> ordered = groups.stream().map(inventory.groups::get)
                .sorted(Comparator.<Group>comparingInt(g -> depths.get(g.name)).thenComparingInt(this::priority)
                        .thenComparing(g -> g.name))
                .toList();
        Map<String, Setting> vars = new LinkedHashMap<>();
        ordered.forEach(g -> vars.putAll(g.vars));
        ordered.forEach(g -> vars.putAll(varsFiles.groupVars(g.name)));
        vars.putAll(host.vars);
        vars.putAll(varsFiles.hostVars(host.name));

        Setting connection = vars.get("ansible_connection");
        if (connection != null && connection.present() && !SSH_CONNECTIONS.contains(value(connection, host, vars, "ansible_connection"))) {
            LOG.info("Host [{}] uses ansible_connection [{}] ({}), so the inventory provider leaves it out: it serves SSH hosts only.",
                    host.name, connection.value(), connection.origin());
            return null;
        }
        Setting address = last(host, vars, "ansible_host", "ansible_ssh_host");
        Setting port = last(host, vars, "ansible_port", "ansible_ssh_port");
        Setting user = last(host, vars, "ansible_user", "ansible_ssh_user");
        Setting identity = last(host, vars, "ansible_private_key_file", "ansible_ssh_private_key_file");
        Setting proxyJump = proxyJump(host, vars);
        Map<String, String> labels = new LinkedHashMap<>();
        for (String power : List.of(PowerCommands.OFF, PowerCommands.ON)) {
            Setting s = last(host, vars, power);
            if (s != null) {
                labels.put(power, s.value());
            }
        }
        Setting rebootCommand = last(host, vars, REBOOT_COMMAND_VAR);
        return new HostEntry(host.name, host.origin, address, port, user, identity, proxyJump, groups, labels, true,
                rebootCommand);
    }

    private void addWithAncestors(String group, Set<String> into) {
        if (into.add(group)) {
            parents.getOrDefault(group, Set.of()).forEach(p -> addWithAncestors(p, into));
        }
    }

    private int priority(Group group) {
        Setting p = group.vars.get("ansible_group_priority");
        if (p == null || !p.present()) {
            return 1;
        }
        try {
            return Integer.parseInt(p.text("ansible_group_priority").strip());
        } catch (NumberFormatException e) {
            throw p.origin().error("[ansible_group_priority] of group [" + group.name + "] is [" + p.value() + "]; write a whole number.");
        }
    }

    /** The last of {@code names} that is set, as Ansible's ssh plugin reads its options. */
    private static Setting last(Host host, Map<String, Setting> vars, String... names) {
        Setting found = null;
        for (String name : names) {
            Setting s = vars.get(name);
            if (s != null && (s.present() || s.collection())) {
                found = Setting.of(value(s, host, vars, name), s.origin());
            }
        }
        return found;
    }

    /** A var's text with simple {@code {{ var }}} references filled in; an error for anything richer. */
    private static String value(Setting setting, Host host, Map<String, Setting> vars, String name) {
        String text = setting.text(name);
        for (int round = 0; text.contains("{{") && round < 10; round++) {
            Matcher m = SIMPLE_TEMPLATE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String ref = m.group(1);
                String replacement;
                if (ref.equals("inventory_hostname")) {
                    replacement = host.name;
                } else if (ref.equals("inventory_hostname_short")) {
                    replacement = host.name.split("\\.", 2)[0];
                } else if (vars.containsKey(ref) && vars.get(ref).present()) {
                    replacement = vars.get(ref).text(ref);
                } else {
                    throw setting.origin().error("[" + name + "] of host [" + host.name + "] refers to [" + ref
                            + "], which is not set for it; set it or write the value out.");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            text = out.toString();
        }
        if (text.contains("{{") || text.contains("{%")) {
            throw setting.origin().error("[" + name + "] of host [" + host.name + "] is the Jinja template [" + setting.value()
                    + "], which the inventory provider cannot evaluate; only [{{ var }}] references are filled in. Write the value out.");
        }
        return text;
    }

    /** ProxyJump from {@code -J X} or {@code -o ProxyJump=X} in the ssh args Ansible passes. */
    private static Setting proxyJump(Host host, Map<String, Setting> vars) {
        for (String name : List.of("ansible_ssh_common_args", "ansible_ssh_extra_args", "ansible_ssh_args")) {
            Setting args = vars.get(name);
            if (args == null || !args.present()) {
                continue;
            }
            List<String> words = Shlex.split(value(args, host, vars, name), args.origin());
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                String option = null;
                if (w.equals("-J") && i + 1 < words.size()) {
                    return Setting.of(words.get(i + 1), args.origin());
                } else if (w.startsWith("-J") && w.length() > 2) {
                    return Setting.of(w.substring(2), args.origin());
                } else if (w.equals("-o") && i + 1 < words.size()) {
                    option = words.get(++i);
                } else if (w.startsWith("-o") && w.length() > 2) {
                    option = w.substring(2);
                }
                if (option != null) {
                    String[] kv = option.split("[=\\s]+", 2);
                    if (kv.length == 2 && kv[0].equalsIgnoreCase("ProxyJump")) {
                        return Setting.of(kv[1], args.origin());
                    }
                    if (kv[0].equalsIgnoreCase("ProxyCommand")) {
                        LOG.warn("{}: host [{}] sets a ProxyCommand in [{}], which the transport does not run; "
                                + "use ProxyJump (-J) if the host is only reachable through another.", args.origin(), host.name, name);
                    }
                }
            }
        }
        return null;
    }
}
