package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The test JVM of the fault matrix's last row: leases the inventory hosts it is given (one per
 * operation, in {@link MatrixOperation} order), starts every operation's endless variant, prints
 * {@code IN FLIGHT} and waits to be killed with SIGKILL by {@link FaultMatrixIT}, which then
 * looks at what is left on the hosts.
 */
public final class KilledTestJvmMain {

    private KilledTestJvmMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        MatrixOperation[] operations = MatrixOperation.values();
        HostPool pool = HostPool.create(HostSettings.from(settings));
        HostLease lease = pool.lease(KilledTestJvmMain.class.getName(),
                List.of(new RoleDeclaration("node", operations.length, operations.length)));
        Map<String, Host> byName = new HashMap<>();
        lease.cluster().hosts().forEach(h -> byName.put(h.name(), h));
        Path dir = Path.of(settings.get("matrix.dir"));
        CompletableFuture<?>[] started = new CompletableFuture<?>[operations.length];
        for (int i = 0; i < operations.length; i++) {
            MatrixOperation operation = operations[i];
            Host host = byName.get(settings.get("matrix.host." + operation.name()));
            MatrixOperation.Context context = new MatrixOperation.Context(host, null, lease.cluster(), false, true,
                    Files.createDirectories(dir.resolve(host.name())), () -> { });
            started[i] = CompletableFuture.runAsync(() -> {
                try {
                    operation.start(context);
                    System.out.println("STARTED " + operation.name() + " on " + host.name());
                } catch (Exception e) {
                    System.out.println("BROKEN " + operation.name() + " on " + host.name() + ": " + e);
                }
            });
        }
        CompletableFuture.allOf(started).join();
        System.out.println("IN FLIGHT");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
