package io.junitmultihost.inventory;

import io.junitmultihost.api.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The inventory formats, and which one a file is in: {@code .yml}/{@code .yaml}/{@code .json} are
 * YAML, {@code .ini} is INI, and a file without either (Ansible's {@code hosts}) is YAML when its
 * first line that is not a comment is {@code ---} or a {@code key:}, INI otherwise. A YAML file is
 * ours when it has a {@code hosts:} list or {@code defaults:}, Ansible's otherwise.
 */
enum InventoryFormat {
    MULTIHOST_YAML("multihost YAML"),
    ANSIBLE_YAML("Ansible YAML"),
    ANSIBLE_INI("Ansible INI");

    private static final Pattern YAML_KEY = Pattern.compile("^[^\\s=\\[#;]+:(\\s.*)?$");

    private final String title;

    InventoryFormat(String title) {
        this.title = title;
    }

    @Override
    public String toString() {
        return title;
    }

    /** The hosts a file lists, with the format it was read in. */
    record Parsed(InventoryFormat format, List<HostEntry> hosts) {
    }

    /**
     * What a host name may be: it becomes a sync participant ({@code MH_SYNC_AS}, an item of
     * {@code --participants a,b}), so the barrier server's rule for participant names applies.
     */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}");

    /** The sync participant that is the test JVM ({@code Sync.CONTROLLER}): no host may take its name. */
    private static final String RESERVED = "controller";

    static Parsed read(Path file) {
        Parsed parsed = parse(file);
        for (HostEntry host : parsed.hosts()) {
            if (!HOST_NAME.matcher(host.name()).matches()) {
                throw host.origin().error("the host name [" + host.name() + "] is not allowed: a name starts with a"
                        + " letter or digit, then has at most 127 letters, digits and [._@:+-] (no blanks, [;] or [,]),"
                        + " because it also names the host in syncs. Rename the host; put its address in [address]"
                        + " (ansible_host for Ansible).");
            }
            if (host.name().equals(RESERVED)) {
                throw host.origin().error("the host name [" + RESERVED + "] is reserved: it names the test JVM in syncs"
                        + " (participant [" + RESERVED + "]), so a host of that name could not be told from it. Rename the"
                        + " host; put its address in [address] (ansible_host for Ansible).");
            }
        }
        return parsed;
    }

    private static Parsed parse(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigurationException("The inventory [" + file + "] is a directory; set [" + InventoryConstants.INVENTORY
                    + "] to one inventory file in it.");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("The inventory [" + file + "] cannot be read (" + e + "); check ["
                    + InventoryConstants.INVENTORY + "] and the file's permissions.", e);
        }
        if (!isYaml(file, text)) {
            return new Parsed(ANSIBLE_INI, AnsibleHostEntries.of(AnsibleIniInventory.parse(text, file)));
        }
        Node root = YamlFiles.compose(text, file, MultihostYamlInventory.KIND);
        if (MultihostYamlInventory.looksLikeOurs(root, file)) {
            return new Parsed(MULTIHOST_YAML, MultihostYamlInventory.parse(root, file));
        }
        return new Parsed(ANSIBLE_YAML, AnsibleHostEntries.of(AnsibleYamlInventory.parse(root, file)));
    }

    private static boolean isYaml(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yml") || name.endsWith(".yaml") || name.endsWith(".json")) {
            return true;
        }
        if (name.endsWith(".ini")) {
            return false;
        }
        for (String line : text.split("\\R")) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#") || s.startsWith(";")) {
                continue;
            }
            return s.startsWith("---") || s.startsWith("{") || YAML_KEY.matcher(s).matches();
        }
        return false;
    }
}
