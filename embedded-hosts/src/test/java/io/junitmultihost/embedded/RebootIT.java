package io.junitmultihost.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.jcraft.jsch.JSchException;
import io.junitmultihost.spi.HostControl;
import io.junitmultihost.spi.HostSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reboots and power cuts of embedded hosts, watched through a real SSH client. */
class RebootIT {

    private static final Duration DOWN_TIME = Duration.ofSeconds(2);
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static EmbeddedHostProvider provider;
    private static List<HostSpec> hosts;

    @BeforeAll
    static void startHosts() {
        provider = new EmbeddedHostProvider(EmbeddedSettings.defaults().withRebootDownTime(DOWN_TIME));
        hosts = provider.hosts("any", 4, Set.of(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @Test
    void rebootDropsSessionsRefusesConnectionsWhileDownAndComesBackWithANewBootIdAndTheSameKey() throws Exception {
        HostSpec spec = hosts.get(0);
        String oldBootId;
        List<Long> pids = new ArrayList<>();
        try (JschClient client = JschClient.connect(spec)) {
            oldBootId = client.exec("cat /proc/sys/kernel/random/boot_id").stdout().strip();
            pids.add(pid(client.exec("nohup sleep 1000 > /dev/null 2>&1 & echo $!" + Processes.NAMESPACE)));
            if (Platform.commandsGetOwnGroup()) {
                // a daemon in its own session, out of its command's process group
                pids.add(pid(client.exec("setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo $!" + Processes.NAMESPACE)));
            }
            client.start("echo $$" + Processes.NAMESPACE + " > blocked.pid; exec sleep 1000");
            Path blocked = Path.of(spec.labels().get("home"), "blocked.pid");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(blocked) && Files.size(blocked) > 0);
            pids.add(Processes.machinePid(Files.readString(blocked)));
            assertThat(pids).allMatch(Processes::running);

            long asked = System.nanoTime();
            JschClient.Result reboot = client.exec("reboot");
            assertThat(reboot.exitCode()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
        }
        assertThatThrownBy(() -> JschClient.connect(spec))
                .isInstanceOf(JSchException.class).hasMessageContaining("Connection refused");
        assertThat(pids).noneMatch(Processes::running);

        JschClient back = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> JschClient.connect(spec), c -> true);
        try (back) {
            String newBootId = back.exec("cat /proc/sys/kernel/random/boot_id").stdout().strip();
            assertThat(newBootId).matches(UUID).isNotEqualTo(oldBootId);
            assertThat(back.exec("cat /proc/cmdline").stdout()).contains("multihost.host=host-1");
        }
        assertThat(provider.started().get(0).state()).isEqualTo(EmbeddedHost.State.UP);
        assertThat(provider.started().get(0).port()).isEqualTo(spec.port());
    }

    @Test
    void poweroffOnTheHostKeepsItDownUntilItIsPoweredOn() throws Exception {
        HostSpec spec = hosts.get(1);
        String oldBootId;
        try (JschClient client = JschClient.connect(spec)) {
            oldBootId = client.exec("cat /proc/sys/kernel/random/boot_id").stdout().strip();
            assertThat(client.exec("systemctl poweroff").exitCode()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
        }
        Thread.sleep(DOWN_TIME.plusMillis(500).toMillis());
        assertThatThrownBy(() -> JschClient.connect(spec))
                .isInstanceOf(JSchException.class).hasMessageContaining("Connection refused");
        assertThat(provider.started().get(1).state()).isEqualTo(EmbeddedHost.State.OFF);

        spec.control().orElseThrow().powerOn();
        try (JschClient client = JschClient.connect(spec)) {
            assertThat(client.exec("cat /proc/sys/kernel/random/boot_id").stdout().strip()).matches(UUID).isNotEqualTo(oldBootId);
        }
    }

    @Test
    void powerOffThroughHostControlKillsEverythingAtOnceAndPowerOnBootsAfresh() throws Exception {
        HostSpec spec = hosts.get(2);
        HostControl control = spec.control().orElseThrow();
        long daemon;
        String oldBootId;
        try (JschClient client = JschClient.connect(spec)) {
            oldBootId = client.exec("cat /proc/sys/kernel/random/boot_id").stdout().strip();
            daemon = pid(client.exec("nohup sleep 1000 > /dev/null 2>&1 & echo $!" + Processes.NAMESPACE));
            control.powerOff();
            assertThat(Processes.running(daemon)).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
        }
        assertThatThrownBy(() -> JschClient.connect(spec))
                .isInstanceOf(JSchException.class).hasMessageContaining("Connection refused");
        control.powerOff(); // already off: nothing happens
        control.powerOn();
        try (JschClient client = JschClient.connect(spec)) {
            assertThat(client.exec("cat /proc/sys/kernel/random/boot_id").stdout().strip()).isNotEqualTo(oldBootId);
        }
    }

    @Test
    void aCommandOnTheHostSetsTheKernelCommandLineOfItsNextBoots() throws Exception {
        HostSpec spec = hosts.get(3);
        try (JschClient client = JschClient.connect(spec)) {
            client.exec("echo 'BOOT_IMAGE=/vmlinuz-next root=/dev/embedded magic=f00d' > \"$MULTIHOST_NEXT_CMDLINE\"");
            assertThat(client.exec("cat /proc/cmdline").stdout()).contains("multihost.host=host-4");
        }
        spec.control().orElseThrow().powerOff();
        spec.control().orElseThrow().powerOn();
        try (JschClient client = JschClient.connect(spec)) {
            assertThat(client.exec("cat /proc/cmdline").stdout()).isEqualTo("BOOT_IMAGE=/vmlinuz-next root=/dev/embedded magic=f00d\n");
            client.exec("rm \"$MULTIHOST_NEXT_CMDLINE\"");
        }
        provider.started().get(3).powerOff();
        provider.started().get(3).powerOn();
        try (JschClient client = JschClient.connect(spec)) {
            assertThat(client.exec("cat /proc/cmdline").stdout()).contains("multihost.host=host-4");
        }
    }

    private static long pid(JschClient.Result result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return Processes.machinePid(result.stdout());
    }
}
