package io.junitmultihost.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The {@code group_vars/} and {@code host_vars/} directories beside an Ansible inventory, as
 * Ansible's host_group_vars plugin reads them: {@code NAME}, {@code NAME.yml}, {@code NAME.yaml},
 * {@code NAME.json}, and every such file under a directory {@code NAME/}, in name order.
 */
final class AnsibleVarsFiles {

    static final String KIND = "Ansible vars file";
    private static final List<String> EXTENSIONS = List.of("", ".yml", ".yaml", ".json");

    private final Path dir;

    AnsibleVarsFiles(Path inventoryDir) {
        this.dir = inventoryDir;
    }

    Map<String, Setting> groupVars(String group) {
        return read(dir.resolve("group_vars"), group);
    }

    Map<String, Setting> hostVars(String host) {
        return read(dir.resolve("host_vars"), host);
    }

    private Map<String, Setting> read(Path base, String name) {
        Map<String, Setting> vars = new LinkedHashMap<>();
        if (!Files.isDirectory(base)) {
            return vars;
        }
        for (String ext : EXTENSIONS) {
            Path file = base.resolve(name + ext);
            if (Files.isRegularFile(file)) {
                vars.putAll(parse(file));
            }
        }
        Path sub = base.resolve(name);
        if (Files.isDirectory(sub)) {
            try (Stream<Path> files = Files.walk(sub)) {
                files.filter(Files::isRegularFile).filter(AnsibleVarsFiles::isVarsFile).sorted()
                        .forEach(file -> vars.putAll(parse(file)));
            } catch (IOException e) {
                throw YamlFiles.unreadable("vars directory", sub, e);
            }
        }
        return vars;
    }

    private static boolean isVarsFile(Path file) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") || name.endsWith("~")) {
            return false;
        }
        int dot = name.lastIndexOf('.');
        return dot < 0 || EXTENSIONS.contains(name.substring(dot));
    }

    private static Map<String, Setting> parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw YamlFiles.unreadable(KIND, file, e);
        }
        Map<String, Setting> vars = new LinkedHashMap<>();
        Node root = YamlFiles.compose(text, file, KIND);
        if (YamlFiles.isNull(root)) {
            return vars;
        }
        YamlFiles.entries(root, file, KIND, "a vars file").forEach((key, tuple) ->
                vars.put(key, YamlFiles.setting(tuple.getValueNode(), file, KIND)));
        return vars;
    }
}
