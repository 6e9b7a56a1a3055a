package io.junitmultihost.inventory;

import io.junitmultihost.inventory.AnsibleInventory.Group;
import io.junitmultihost.inventory.AnsibleInventory.Host;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's INI inventory: host lines ({@code name [key=value ...]}, ranges such as
 * {@code web[01:03]}), {@code [group]}, {@code [group:vars]} and {@code [group:children]}
 * sections, comments starting with {@code #} or {@code ;}.
 */
final class AnsibleIniInventory {

    private static final Pattern SECTION = Pattern.compile("^\\[([^\\]:\\s]+)(?::([^\\]\\s]*))?\\]\\s*(?:[#;].*)?$");
    private static final Pattern GROUP_NAME = Pattern.compile("^([^:\\]\\s]+)\\s*(?:[#;].*)?$");

    private enum Kind { HOSTS, VARS, CHILDREN }

    private AnsibleIniInventory() {
    }

    static AnsibleInventory parse(String text, Path file) {
        AnsibleInventory inventory = new AnsibleInventory(file);
        inventory.group(AnsibleInventory.ALL, Origin.inventory(file, 1));
        Group group = inventory.group(AnsibleInventory.UNGROUPED, Origin.inventory(file, 1));
        Kind kind = Kind.HOSTS;
        // [g:vars] may come before [g] (Ansible allows it), but g must be defined somewhere.
        Map<String, Origin> varsOnly = new LinkedHashMap<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            Origin origin = Origin.inventory(file, i + 1);
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                Matcher m = SECTION.matcher(line);
                if (!m.matches()) {
                    throw origin.error("cannot read the section header [" + line + "]; write [group], [group:vars] or [group:children].");
                }
                String name = m.group(1);
                String type = m.group(2);
                if (type == null) {
                    kind = Kind.HOSTS;
                } else if (type.equals("vars")) {
                    kind = Kind.VARS;
                } else if (type.equals("children")) {
                    kind = Kind.CHILDREN;
                } else {
                    throw origin.error("the section [" + name + ":" + type + "] has the unknown type [" + type + "]; the known types are [vars, children].");
                }
                if (kind == Kind.VARS && !inventory.groups.containsKey(name)) {
                    varsOnly.putIfAbsent(name, origin);
                }
                if (kind != Kind.VARS) {
                    varsOnly.remove(name);
                }
                group = inventory.group(name, origin);
                continue;
            }
            switch (kind) {
                case HOSTS -> hostLine(inventory, group, line, origin);
                case VARS -> {
                    int eq = line.indexOf('=');
                    if (eq <= 0) {
                        throw origin.error("expected [key=value] in the vars of group [" + group.name + "], got [" + line + "].");
                    }
                    group.vars.put(line.substring(0, eq).strip(), Setting.of(unquote(line.substring(eq + 1).strip()), origin));
                }
                case CHILDREN -> {
                    Matcher m = GROUP_NAME.matcher(line);
                    if (!m.matches()) {
                        throw origin.error("expected a group name in the children of group [" + group.name + "], got [" + line + "].");
                    }
                    varsOnly.remove(m.group(1));
                    inventory.addChild(group, m.group(1), origin);
                }
                default -> throw new IllegalStateException(kind.name());
            }
        }
        if (!varsOnly.isEmpty()) {
            Map.Entry<String, Origin> first = varsOnly.entrySet().iterator().next();
            throw first.getValue().error("the section [" + first.getKey() + ":vars] is for a group that is never defined; "
                    + "add a [" + first.getKey() + "] section with its hosts, or remove the vars.");
        }
        return inventory;
    }

    private static void hostLine(AnsibleInventory inventory, Group group, String line, Origin origin) {
        List<String> words = Shlex.split(line, origin);
        if (words.isEmpty()) {
            return;
        }
        AnsibleHostPattern pattern = AnsibleHostPattern.parse(words.get(0), origin);
        Map<String, Setting> vars = new LinkedHashMap<>();
        if (pattern.port() != null) {
            vars.put("ansible_port", Setting.of(pattern.port(), origin));
        }
        for (String word : words.subList(1, words.size())) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw origin.error("expected [key=value] after the host [" + words.get(0) + "], got [" + word + "].");
            }
            vars.put(word.substring(0, eq), Setting.of(word.substring(eq + 1), origin));
        }
        for (String name : pattern.names()) {
            Host host = inventory.addHost(group, name, origin);
            host.vars.putAll(vars);
        }
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
