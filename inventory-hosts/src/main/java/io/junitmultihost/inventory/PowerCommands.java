package io.junitmultihost.inventory;

import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HumanDuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An inventory host's power control: the {@code power_off_command} and {@code power_on_command}
 * set for it or its group (IPMI, {@code virsh}, a cloud CLI), run by {@code /bin/sh -c} on this
 * machine, with {@code {host}} and {@code {address}} replaced by the host's name and address,
 * shell-quoted. Either missing: powering that way says what to configure.
 */
final class PowerCommands implements HostControl {

    /** The key (label, Ansible var) of the command that cuts the host's power. */
    static final String OFF = "power_off_command";

    /** The key of the command that powers the host on. */
    static final String ON = "power_on_command";

    /** How long a command may take when the caller gives no deadline. */
    private static final Duration DEFAULT = Duration.ofMinutes(2);

    private final String host;
    private final String address;
    private final String off;
    private final String on;

    private PowerCommands(String host, String address, String off, String on) {
        this.host = host;
        this.address = address;
        this.off = off;
        this.on = on;
    }

    /** The control for a host whose labels set at least one power command; empty when none is set. */
    static Optional<HostControl> of(String host, String address, Map<String, String> labels) {
        String off = blankToNull(labels.get(OFF));
        String on = blankToNull(labels.get(ON));
        return off == null && on == null ? Optional.empty() : Optional.of(new PowerCommands(host, address, off, on));
    }

    @Override
    public void powerOff() {
        powerOff(DEFAULT);
    }

    @Override
    public void powerOn() {
        powerOn(DEFAULT);
    }

    @Override
    public void powerOff(Duration deadline) {
        run(OFF, off, deadline);
    }

    @Override
    public void powerOn(Duration deadline) {
        run(ON, on, deadline);
    }

    /** {@code template} with {@code {host}} and {@code {address}} replaced, each single-quoted for sh. */
    String expand(String template) {
        return template.replace("{host}", quote(host)).replace("{address}", quote(address));
    }

    private void run(String key, String template, Duration deadline) {
        if (template == null) {
            throw new UnsupportedOperationException("Powering host [" + host + "] that way is not supported: it has no [" + key
                    + "]. Configure [" + key + "] for the host or its group (docs/INVENTORY.md).");
        }
        String command = expand(template);
        Process process;
        try {
            process = new ProcessBuilder(List.of("/bin/sh", "-c", command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new MultiHostException("The [" + key + "] of host [" + host + "] could not start: [" + e.getMessage() + "].", e);
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(Math.max(deadline.toMillis(), 1), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new MultiHostException("The [" + key + "] of host [" + host + "], [" + command + "], did not finish within ["
                        + HumanDuration.of(deadline) + "]; it was killed.");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new MultiHostException("The [" + key + "] of host [" + host + "], [" + command + "], exited with ["
                        + process.exitValue() + "]: [" + (output.length() > 500 ? output.substring(0, 500) + "..." : output) + "].");
            }
        } catch (IOException e) {
            throw new MultiHostException("The [" + key + "] of host [" + host + "] failed: [" + e.getMessage() + "].", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MultiHostException("Interrupted while running the [" + key + "] of host [" + host + "].", e);
        }
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        return "PowerCommands[" + host + "]";
    }
}
