package io.junitmultihost.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * multihost.lab.down-mode: while a rebooted host is down, its link is down (link: connections time
 * out) or up with nothing listening (refuse: connections are refused). A 3 s down time leaves room
 * to look on a loaded machine.
 */
class DownModeIT {

    @Test
    void whileARebootedHostIsDownInLinkModeConnectionsTimeOut() {
        try (Lab lab = LabTestSupport.start(LabOptions.builder().hosts(1).downMode(DownMode.LINK).downTime(Duration.ofSeconds(3)))) {
            LabHost host = lab.hosts().get(0);
            String before = host.bootId();
            host.ssh("reboot", LabTestSupport.SSH);
            LabTestSupport.await("the host to go down", Duration.ofSeconds(30), () -> host.state() == LabHost.State.DOWN);
            assertThat(LabTestSupport.connect(host.address(), Duration.ofMillis(500))).isEqualTo("timeout");
            host.awaitUp(Duration.ofSeconds(60));
            assertThat(host.exec("cat /proc/sys/kernel/random/boot_id", LabTestSupport.SSH).strip()).isNotEqualTo(before);
        }
    }

    @Test
    void whileARebootedHostIsDownInRefuseModeConnectionsAreRefused() {
        try (Lab lab = LabTestSupport.start(LabOptions.builder().hosts(1).downMode(DownMode.REFUSE).downTime(Duration.ofSeconds(3)))) {
            LabHost host = lab.hosts().get(0);
            String before = host.bootId();
            host.ssh("reboot", LabTestSupport.SSH);
            LabTestSupport.await("the host to go down", Duration.ofSeconds(30), () -> host.state() == LabHost.State.DOWN);
            assertThat(LabTestSupport.connect(host.address(), Duration.ofSeconds(2))).isEqualTo("refused");
            host.awaitUp(Duration.ofSeconds(60));
            assertThat(host.exec("cat /proc/sys/kernel/random/boot_id", LabTestSupport.SSH).strip()).isNotEqualTo(before);
        }
    }
}
