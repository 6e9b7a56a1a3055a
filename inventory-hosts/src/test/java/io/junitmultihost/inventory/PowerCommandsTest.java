package io.junitmultihost.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HostSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inventory hosts' power commands, run on this machine with the host's name and address quoted in. */
class PowerCommandsTest {

    @TempDir
    Path dir;

    @Test
    void aHostWithNoPowerCommandHasNoPowerControl() {
        assertThat(PowerCommands.of("web-1", "10.0.0.5", Map.of())).isEmpty();
    }

    @Test
    void theCommandRunsWithTheHostsNameAndAddressQuoted() throws Exception {
        Path log = dir.resolve("power.log");
        HostControl control = PowerCommands.of("it's; rm -rf /", "10.0.0.5", Map.of(
                PowerCommands.OFF, "printf 'off %s %s\\n' {host} {address} >> " + log,
                PowerCommands.ON, "printf 'on %s\\n' {host} >> " + log)).orElseThrow();

        control.powerOff(Duration.ofSeconds(10));
        control.powerOn(Duration.ofSeconds(10));

        assertThat(Files.readAllLines(log)).containsExactly("off it's; rm -rf / 10.0.0.5", "on it's; rm -rf /");
    }

    @Test
    void aMissingCommandSaysWhatToConfigure() {
        HostControl control = PowerCommands.of("web-1", "10.0.0.5", Map.of(PowerCommands.OFF, "true")).orElseThrow();

        assertThatThrownBy(() -> control.powerOn(Duration.ofSeconds(10))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("Powering host [web-1] that way is not supported: it has no [power_on_command]. Configure"
                        + " [power_on_command] for the host or its group (docs/INVENTORY.md).");
    }

    @Test
    void aFailingCommandFailsWithItsExitCodeAndOutput() {
        HostControl control = PowerCommands.of("web-1", "10.0.0.5", Map.of(PowerCommands.OFF, "echo no ipmi here; exit 3")).orElseThrow();

        assertThatThrownBy(() -> control.powerOff(Duration.ofSeconds(10))).isInstanceOf(MultiHostException.class)
                .hasMessage("The [power_off_command] of host [web-1], [echo no ipmi here; exit 3], exited with [3]: [no ipmi here].");
    }

    @Test
    void aCommandThatHangsIsKilledAtItsDeadline() {
        HostControl control = PowerCommands.of("web-1", "10.0.0.5", Map.of(PowerCommands.OFF, "sleep 30")).orElseThrow();
        long start = System.nanoTime();

        assertThatThrownBy(() -> control.powerOff(Duration.ofMillis(300))).isInstanceOf(MultiHostException.class)
                .hasMessageContaining("did not finish within [300 ms]; it was killed.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anAnsibleGroupGivesItsHostsPowerCommandsAndAHostsOwnWins() {
        Map<String, HostSpec> hosts = Inventories.hosts("power.ini");

        PowerCommands node1 = (PowerCommands) hosts.get("node1").control().orElseThrow();
        assertThat(node1.expand(hosts.get("node1").labels().get(PowerCommands.OFF))).isEqualTo("ipmitool -H 'node1'-bmc chassis power off");
        assertThat(hosts.get("node2").labels()).containsEntry(PowerCommands.OFF, "echo off-by-host {host}")
                .containsEntry(PowerCommands.ON, "ipmitool -H {host}-bmc chassis power on");
        assertThat(hosts.get("node3").control()).as("no power commands, no power control").isEmpty();
    }
}
