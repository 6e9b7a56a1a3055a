package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Fault;
import io.junitmultihost.api.Host;
import io.junitmultihost.engine.internal.hosts.VmTestHosts;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test JVM that cuts its one host off from every other host for {@code fault.seconds}, says
 * {@code IMPOSED <fault id>}, and waits to be killed: whoever kills it with SIGKILL checks that the
 * host lifts the fault by itself. Arguments are {@code key=value} settings of the host pool.
 */
public final class ImposeAndHangMain {

    private ImposeAndHangMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        long seconds = Long.parseLong(settings.remove("fault.seconds"));
        VmTestHosts hosts = VmTestHosts.lease(ImposeAndHangMain.class, 1, settings);
        Host host = hosts.hosts().get(0);
        Fault cut = hosts.faults().isolate(host, Duration.ofSeconds(seconds));
        System.out.println("IMPOSED " + cut.id());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5).toMillis());
    }
}
