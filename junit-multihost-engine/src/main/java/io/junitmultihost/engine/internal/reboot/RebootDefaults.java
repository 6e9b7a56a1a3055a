package io.junitmultihost.engine.internal.reboot;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The run's configured reboot settings that options do not override, and where a host's console
 * can be read. Internal.
 *
 * @param command the shell command that reboots a host ({@code multihost.reboot.command})
 * @param askTimeout how long asking for a reboot may take ({@code multihost.reboot.timeout})
 * @param connectTimeout how long one connection to a host may take ({@code multihost.connect.timeout})
 * @param console the last lines of the host's console, read on this machine (none where its
 *     provider keeps no console): what a failed reboot quotes of a host that cannot be asked; not
 *     when the host answered and refused (a reboot command that failed at once took nothing down)
 */
public record RebootDefaults(String command, Duration askTimeout, Duration connectTimeout, Supplier<List<String>> console) {

    /** Checks the fields. */
    public RebootDefaults {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(askTimeout, "askTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(console, "console");
    }

    /** For a host with no console to read. */
    public RebootDefaults(String command, Duration askTimeout, Duration connectTimeout) {
        this(command, askTimeout, connectTimeout, List::of);
    }
}
