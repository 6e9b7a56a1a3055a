package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test JVM that launches two remote JVMs on the inventory host it is given, prints their PIDs and
 * waits to be killed: {@link VmLifecycleIT} kills it with SIGKILL and watches the JVMs end.
 */
public final class OrphanedVmsMain {

    private OrphanedVmsMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        VmTestHosts hosts = VmTestHosts.lease(OrphanedVmsMain.class, 1, settings);
        List<Vm> vms = hosts.vms().launch(hosts.hosts().get(0), 2, VmOptions.named("orphan"));
        System.out.println("PIDS " + vms.get(0).pid() + " " + vms.get(1).pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
