package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.Hosts;
import io.junitmultihost.api.MultiHostTest;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.Role;
import java.time.Duration;

/** A reboot awaited by comparing boot ids: only a new boot id means the host really rebooted. */
@Hosts(@Role(name = "target", count = 1))
class RebootTest {

    @MultiHostTest
    void hostComesBackWithANewBootId(@Role("target") Host target) {
        String before = target.bootId();

        Reboot reboot = target.reboot();
        String after = reboot.awaitUp(Duration.ofMinutes(2));

        assertThat(reboot.oldBootId()).isEqualTo(before);
        assertThat(after).isNotEqualTo(before).isEqualTo(target.bootId());
    }
}
