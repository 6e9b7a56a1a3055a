package io.junitmultihost.inventory;

import io.junitmultihost.inventory.AnsibleInventory.Group;
import io.junitmultihost.inventory.AnsibleInventory.Host;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Ansible's YAML inventory: groups (usually {@code all:} at the top) with {@code hosts:},
 * {@code vars:} and {@code children:}, hosts with their vars.
 *
 * <pre>
 * all:
 *   children:
 *     web:
 *       hosts:
 *         web1: { ansible_host: 10.0.0.11 }
 *       vars:
 *         ansible_user: deploy
 * </pre>
 */
final class AnsibleYamlInventory {

    static final String KIND = "inventory";
    static final List<String> GROUP_KEYS = List.of("hosts", "vars", "children");

    private final AnsibleInventory inventory;
    private final Path file;

    private AnsibleYamlInventory(Path file) {
        this.file = file;
        this.inventory = new AnsibleInventory(file);
    }

    static AnsibleInventory parse(Node root, Path file) {
        AnsibleYamlInventory parser = new AnsibleYamlInventory(file);
        if (YamlFiles.isNull(root)) {
            return parser.inventory;
        }
        YamlFiles.entries(root, file, KIND, "the inventory").forEach((name, tuple) ->
                parser.group(name, tuple));
        return parser.inventory;
    }

    private Group group(String name, NodeTuple tuple) {
        Group group = inventory.group(name, YamlFiles.origin(tuple.getKeyNode(), file, KIND));
        Node body = tuple.getValueNode();
        if (YamlFiles.isNull(body)) {
            return group;
        }
        Map<String, NodeTuple> keys = YamlFiles.entries(body, file, KIND, "the group [" + name + "]");
        for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
            Node value = e.getValue().getValueNode();
            switch (e.getKey()) {
                case "hosts" -> hosts(group, value);
                case "vars" -> vars(value, "the vars of group [" + name + "]", group.vars);
                case "children" -> {
                    if (!YamlFiles.isNull(value)) {
                        YamlFiles.entries(value, file, KIND, "the children of group [" + name + "]").forEach((child, childTuple) -> {
                            inventory.addChild(group, child, YamlFiles.origin(childTuple.getKeyNode(), file, KIND));
                            group(child, childTuple);
                        });
                    }
                }
                default -> throw YamlFiles.origin(e.getValue().getKeyNode(), file, KIND)
                        .error("unknown key [" + e.getKey() + "] in the group [" + name + "]; the known keys are " + GROUP_KEYS
                                + " (a group's hosts go under [hosts:], other groups under [children:]).");
            }
        }
        return group;
    }

    private void hosts(Group group, Node node) {
        if (YamlFiles.isNull(node)) {
            return;
        }
        YamlFiles.entries(node, file, KIND, "the hosts of group [" + group.name + "]").forEach((text, tuple) -> {
            Origin origin = YamlFiles.origin(tuple.getKeyNode(), file, KIND);
            AnsibleHostPattern pattern = AnsibleHostPattern.parse(text, origin);
            for (String name : pattern.names()) {
                Host host = inventory.addHost(group, name, origin);
                if (pattern.port() != null) {
                    host.vars.put("ansible_port", Setting.of(pattern.port(), origin));
                }
                vars(tuple.getValueNode(), "the vars of host [" + name + "]", host.vars);
            }
        });
    }

    private void vars(Node node, String what, Map<String, Setting> into) {
        if (YamlFiles.isNull(node)) {
            return;
        }
        YamlFiles.entries(node, file, KIND, what).forEach((key, tuple) ->
                into.put(key, YamlFiles.setting(tuple.getValueNode(), file, KIND)));
    }
}
