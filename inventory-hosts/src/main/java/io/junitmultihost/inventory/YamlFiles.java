package io.junitmultihost.inventory;

import io.junitmultihost.api.ConfigurationException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML as SnakeYAML nodes, which keep their line, so that every error can name it; and the
 * few shapes inventories use (mappings with unique keys, scalars, lists of scalars).
 */
final class YamlFiles {

    private YamlFiles() {
    }

    /** The root node of {@code text}, or null for an empty document. */
    static Node compose(String text, Path file, String kind) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            return new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark != null ? mark.getLine() + 1 : 1;
            throw new Origin(kind, file, line).error("not valid YAML: " + e.getProblem() + ".");
        } catch (YAMLException e) {
            throw new Origin(kind, file, 1).error("not valid YAML: " + e.getMessage() + ".");
        }
    }

    static Origin origin(Node node, Path file, String kind) {
        return new Origin(kind, file, node.getStartMark().getLine() + 1);
    }

    static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
    }

    /** The entries of a mapping in order, keyed by their scalar key; an error on a duplicate key. */
    static Map<String, NodeTuple> entries(Node node, Path file, String kind, String what) {
        if (!(node instanceof MappingNode mapping)) {
            throw origin(node, file, kind).error(what + " must be a mapping of [key: value] lines.");
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        Map<String, Node> keys = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalar(tuple.getKeyNode(), file, kind, "a key in " + what);
            Node previous = keys.put(key, tuple.getKeyNode());
            if (previous != null) {
                throw origin(tuple.getKeyNode(), file, kind).error("the key [" + key + "] appears twice in " + what
                        + ", first at line [" + (previous.getStartMark().getLine() + 1) + "]; keep one.");
            }
            entries.put(key, tuple);
        }
        return entries;
    }

    /** The text of a scalar; an error when {@code node} is a list or mapping. */
    static String scalar(Node node, Path file, String kind, String what) {
        if (!(node instanceof ScalarNode s)) {
            throw origin(node, file, kind).error(what + " must be a single value, not a list or mapping.");
        }
        return isNull(node) ? null : s.getValue();
    }

    /** A scalar or a list of scalars, as a list. */
    static List<String> scalars(Node node, Path file, String kind, String what) {
        List<String> values = new ArrayList<>();
        if (isNull(node)) {
            return values;
        }
        if (node instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                values.add(scalar(item, file, kind, "each of " + what));
            }
        } else {
            values.add(scalar(node, file, kind, what));
        }
        return values;
    }

    /** A value as a {@link Setting}: its text if single, or marked as a collection. */
    static Setting setting(Node node, Path file, String kind) {
        Origin origin = origin(node, file, kind);
        if (node instanceof ScalarNode s) {
            return Setting.of(isNull(node) ? null : s.getValue(), origin);
        }
        return new Setting(null, origin, true);
    }

    /** A configuration error naming the file that cannot be read. */
    static ConfigurationException unreadable(String kind, Path file, Exception e) {
        return new ConfigurationException("The " + kind + " [" + file + "] cannot be read (" + e
                + "); check the path and its permissions.", e);
    }
}
