package io.junitmultihost.engine.internal.vm;

import io.junitmultihost.spi.ProviderConfig;
import java.time.Duration;

/**
 * How a class's remote JVMs are run, from the configuration keys {@code multihost.vm.*}. Internal.
 *
 * @param java the {@code java} to run when the options name none ({@code multihost.vm.java})
 * @param invokeDeadline the deadline of invocations that name none ({@code multihost.exec.timeout})
 * @param actionDeadline the deadline of launches, stops and starts ({@code multihost.vm.timeout})
 * @param lease how long a JVM goes on without hearing from the test JVM ({@code multihost.vm.lease})
 * @param direct whether invocations go straight to the JVMs over authenticated TCP where their hosts can be
 *     reached so, else through SSH ({@code multihost.vm.direct}, on by default)
 * @param spares whether a JVM that was started again keeps a spare JVM ready for its next start
 *     ({@code multihost.vm.spares})
 */
public record VmSettings(String java, Duration invokeDeadline, Duration actionDeadline, Duration lease,
        boolean direct, boolean spares) {

    /** The defaults, with {@code invokeDeadline} for invocations. */
    public static VmSettings defaults(Duration invokeDeadline) {
        return new VmSettings("java", invokeDeadline, Duration.ofMinutes(2), Duration.ofSeconds(10), true, true);
    }

    /** From the configuration, with {@code invokeDeadline} for invocations. */
    public static VmSettings from(ProviderConfig config, Duration invokeDeadline) {
        Duration lease = config.getDuration("multihost.vm.lease", Duration.ofSeconds(10));
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new io.junitmultihost.api.ConfigurationException("multihost.vm.lease [" + config.get("multihost.vm.lease",
                    "") + "] is too short: remote JVMs hear from the test JVM every second; give it 2s or more.");
        }
        return new VmSettings(config.get("multihost.vm.java", "java"), invokeDeadline,
                config.getDuration("multihost.vm.timeout", Duration.ofMinutes(2)), lease,
                config.getBoolean("multihost.vm.direct", true), config.getBoolean("multihost.vm.spares", true));
    }

    /** With direct connections on or off. */
    public VmSettings withDirect(boolean on) {
        return new VmSettings(java, invokeDeadline, actionDeadline, lease, on, spares);
    }

    /** With spare JVMs on or off. */
    public VmSettings withSpares(boolean on) {
        return new VmSettings(java, invokeDeadline, actionDeadline, lease, direct, on);
    }
}
