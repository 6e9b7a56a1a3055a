package io.junitmultihost.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Our own YAML inventory: optional {@code defaults:} then a {@code hosts:} list.
 *
 * <pre>
 * defaults:
 *   user: ci
 *   identity: ~/.ssh/id_ed25519
 * hosts:
 *   - name: db1
 *     address: 10.0.0.5
 *     roles: [db]
 * </pre>
 */
final class MultihostYamlInventory {

    static final String KIND = "inventory";
    static final List<String> TOP_KEYS = List.of("defaults", "hosts");
    static final List<String> HOST_KEYS = List.of("name", "address", "port", "user", "identity", "proxy_jump", "roles", "labels",
            "reboot_command");
    static final List<String> DEFAULT_KEYS = List.of("port", "user", "identity", "proxy_jump", "labels", "reboot_command");

    private final Path file;

    private MultihostYamlInventory(Path file) {
        this.file = file;
    }

    /** Whether a YAML root looks like ours: a {@code hosts:} list or a {@code defaults:} mapping. */
    static boolean looksLikeOurs(Node root, Path file) {
        if (YamlFiles.isNull(root) || !(root instanceof MappingNode)) {
            return false;
        }
        Map<String, NodeTuple> top = YamlFiles.entries(root, file, KIND, "the inventory");
        return top.containsKey("defaults") || (top.containsKey("hosts") && top.get("hosts").getValueNode() instanceof SequenceNode);
    }

    static List<HostEntry> parse(Node root, Path file) {
        return new MultihostYamlInventory(file).entries(root);
    }

    private List<HostEntry> entries(Node root) {
        Map<String, NodeTuple> top = YamlFiles.entries(root, file, KIND, "the inventory");
        for (NodeTuple tuple : top.values()) {
            checkKnown(tuple, TOP_KEYS, "at the top of the inventory");
        }
        Map<String, Setting> defaults = new HashMap<>();
        Map<String, String> defaultLabels = new LinkedHashMap<>();
        NodeTuple defaultsTuple = top.get("defaults");
        if (defaultsTuple != null && !YamlFiles.isNull(defaultsTuple.getValueNode())) {
            Map<String, NodeTuple> d = YamlFiles.entries(defaultsTuple.getValueNode(), file, KIND, "[defaults]");
            for (NodeTuple tuple : d.values()) {
                String key = checkKnown(tuple, DEFAULT_KEYS, "in [defaults]");
                if (key.equals("labels")) {
                    defaultLabels.putAll(labels(tuple.getValueNode()));
                } else {
                    defaults.put(key, YamlFiles.setting(tuple.getValueNode(), file, KIND));
                }
            }
        }
        NodeTuple hostsTuple = top.get("hosts");
        if (hostsTuple == null || YamlFiles.isNull(hostsTuple.getValueNode())) {
            Origin where = YamlFiles.origin(hostsTuple != null ? hostsTuple.getKeyNode() : root, file, KIND);
            throw where.error("the inventory lists no hosts; add a [hosts:] list with at least one [- name: ..., address: ...].");
        }
        if (!(hostsTuple.getValueNode() instanceof SequenceNode list)) {
            throw YamlFiles.origin(hostsTuple.getValueNode(), file, KIND)
                    .error("[hosts] must be a list, each item starting with [- name: ...].");
        }
        List<HostEntry> hosts = new ArrayList<>();
        Map<String, Origin> seen = new HashMap<>();
        for (Node item : list.getValue()) {
            HostEntry host = host(item, defaults, defaultLabels);
            Origin first = seen.putIfAbsent(host.name(), host.origin());
            if (first != null) {
                throw host.origin().error("the host [" + host.name() + "] is listed twice, first at line [" + first.line()
                        + "]; give each host a unique name.");
            }
            hosts.add(host);
        }
        if (hosts.isEmpty()) {
            throw YamlFiles.origin(hostsTuple.getKeyNode(), file, KIND)
                    .error("the inventory lists no hosts; add at least one [- name: ..., address: ...] under [hosts:].");
        }
        return hosts;
    }

    private HostEntry host(Node item, Map<String, Setting> defaults, Map<String, String> defaultLabels) {
        Origin origin = YamlFiles.origin(item, file, KIND);
        Map<String, NodeTuple> keys = YamlFiles.entries(item, file, KIND, "a host");
        Map<String, Setting> values = new HashMap<>(defaults);
        Set<String> roles = new LinkedHashSet<>();
        Map<String, String> labels = new LinkedHashMap<>(defaultLabels);
        for (NodeTuple tuple : keys.values()) {
            String key = checkKnown(tuple, HOST_KEYS, "in a host");
            Node value = tuple.getValueNode();
            switch (key) {
                case "roles" -> roles.addAll(YamlFiles.scalars(value, file, KIND, "[roles]"));
                case "labels" -> labels.putAll(labels(value));
                default -> values.put(key, YamlFiles.setting(value, file, KIND));
            }
        }
        Setting name = values.get("name");
        if (name == null || !name.present()) {
            throw origin.error("a host has no [name]; give it one, for example [- name: db1].");
        }
        String hostName = name.text("name");
        Origin hostOrigin = keys.containsKey("name") ? origin.at(keys.get("name").getKeyNode().getStartMark().getLine() + 1) : origin;
        return new HostEntry(hostName, hostOrigin, values.get("address"), values.get("port"), values.get("user"),
                values.get("identity"), values.get("proxy_jump"), roles, labels, false, values.get("reboot_command"));
    }

    private Map<String, String> labels(Node node) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (YamlFiles.isNull(node)) {
            return labels;
        }
        YamlFiles.entries(node, file, KIND, "[labels]").forEach((key, tuple) -> {
            String value = YamlFiles.scalar(tuple.getValueNode(), file, KIND, "the label [" + key + "]");
            labels.put(key, value == null ? "" : value);
        });
        return labels;
    }

    private String checkKnown(NodeTuple tuple, List<String> known, String where) {
        String key = YamlFiles.scalar(tuple.getKeyNode(), file, KIND, "a key");
        if (!known.contains(key)) {
            throw YamlFiles.origin(tuple.getKeyNode(), file, KIND)
                    .error("unknown key [" + key + "] " + where + "; the known keys are " + known + ".");
        }
        return key;
    }
}
