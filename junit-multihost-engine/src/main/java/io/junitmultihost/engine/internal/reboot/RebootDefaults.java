package io.junitmultihost.engine.internal.reboot;

import java.time.Duration;
import java.util.Objects;

/**
 * The run's configured reboot settings that options do not override. Internal.
 *
 * @param command the shell command that reboots a host ({@code multihost.reboot.command})
 * @param askTimeout how long asking for a reboot may take ({@code multihost.reboot.timeout})
 * @param connectTimeout how long one connection to a host may take ({@code multihost.connect.timeout})
 */
public record RebootDefaults(String command, Duration askTimeout, Duration connectTimeout) {

    /** Checks the fields. */
    public RebootDefaults {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(askTimeout, "askTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }
}
