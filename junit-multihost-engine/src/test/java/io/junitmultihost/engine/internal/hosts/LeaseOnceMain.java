package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Leases two hosts of role {@code node} with the settings in {@code args[0]} and prints what came of it. */
public final class LeaseOnceMain {

    private LeaseOnceMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            properties.load(in);
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
        try (HostPool pool = HostPool.create(HostSettings.from(settings));
                HostLease lease = pool.lease("LeaseOnce", List.of(new RoleDeclaration("node", 2, 2)))) {
            System.out.println("leased " + lease.hostNames());
        } catch (RuntimeException e) {
            System.out.println("failed: " + e.getMessage());
        }
    }
}
