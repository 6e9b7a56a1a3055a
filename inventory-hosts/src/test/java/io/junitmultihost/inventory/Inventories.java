package io.junitmultihost.inventory;

import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test fixture: loads the inventories under src/test/resources/inventories. */
final class Inventories {

    private Inventories() {
    }

    /** A resource under inventories/, or {@code name} itself when it is an absolute path. */
    static Path resource(String name) {
        if (Path.of(name).isAbsolute()) {
            return Path.of(name);
        }
        try {
            return Path.of(Inventories.class.getResource("/inventories/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("No test resource [inventories/" + name + "].", e);
        }
    }

    /** The provider for an inventory resource, with no SSH config unless {@code extra} names one. */
    static InventoryHostProvider provider(String inventory, String... extra) {
        Map<String, String> values = new HashMap<>();
        values.put(InventoryConstants.INVENTORY, resource(inventory).toString());
        values.put(InventoryConstants.SSH_CONFIG, InventoryConstants.NONE);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            values.put(extra[i], extra[i + 1]);
        }
        return (InventoryHostProvider) new InventoryHostProviderFactory().create(new ProviderConfig(values));
    }

    /** The hosts of an inventory resource by name, in inventory order. */
    static Map<String, HostSpec> hosts(String inventory, String... extra) {
        Map<String, HostSpec> hosts = new LinkedHashMap<>();
        List<HostSpec> all = provider(inventory, extra).all();
        all.forEach(h -> hosts.put(h.name(), h));
        return hosts;
    }

    static Path key(String name) {
        return resource("keys/" + name);
    }
}
