package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.ExecResult;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One test run of {@link FleetOfRunsIT}, in a JVM of its own: leases both hosts of the inventory its
 * settings name, checks on each host that no other live run holds it (a marker file made only when
 * absent, holding its pid), holds them for a while, and says what it did in its events file. Exits 2
 * when it finds a host another live run holds.
 *
 * <p>Arguments: the settings (a properties file), how long to hold the hosts (ms), the events file,
 * the marker file's path on the hosts (the host's name is appended).
 */
public final class FleetRunMain {

    private FleetRunMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            properties.load(in);
        }
        properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
        long hold = Long.parseLong(args[1]);
        Path events = Path.of(args[2]);
        String marker = args[3];
        long pid = ProcessHandle.current().pid();
        try (HostPool pool = HostPool.create(HostSettings.from(settings))) {
            HostLease lease = pool.lease("FleetRun" + pid, List.of(new RoleDeclaration("node", 2, 2)));
            List<Host> hosts = lease.cluster().hosts();
            for (Host host : hosts) {
                String mine = marker + "-" + host.name();
                ExecResult made = host.execShell("set -C; { echo " + pid + " > " + mine + "; } 2>/dev/null || { cat " + mine
                        + "; exit 3; }");
                if (made.exitCode() == 3) {
                    long other = Long.parseLong(made.stdout().strip());
                    if (ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
                        event(events, "shared " + host.name() + " with live run " + other);
                        System.exit(2);
                    }
                    // A run killed while it held the host left its marker.
                    host.execShell("echo " + pid + " > " + mine);
                    event(events, "took " + host.name() + " over from killed run " + other);
                } else if (!made.succeeded()) {
                    throw new IllegalStateException("Marking host [" + host.name() + "] failed: " + made);
                }
            }
            event(events, "holding " + System.currentTimeMillis());
            Thread.sleep(hold);
            for (Host host : hosts) {
                String mine = marker + "-" + host.name();
                String holder = host.execShell("cat " + mine + "; rm -f " + mine).stdout().strip();
                if (!holder.equals(Long.toString(pid))) {
                    event(events, "shared " + host.name() + " with run " + holder);
                    System.exit(2);
                }
            }
            event(events, "released " + System.currentTimeMillis());
            lease.close();
        }
        System.exit(0);
    }

    private static void event(Path events, String line) throws IOException {
        Files.writeString(events, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
