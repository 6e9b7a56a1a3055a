package io.junitmultihost.engine.internal.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BootReadingTest {

    @Test
    void aWellFormedReadingGivesBootIdReleaseAndCommandLine() {
        BootReading reading = BootReading.parse(0, bytes("boot_id=6B608AFF-DC3B-43F4-8E28-BAE8B5A87164\n"
                + "release=6.1.0-18-amd64\ncmdline=BOOT_IMAGE=/vmlinuz ro multihost.magic=00ff\n")).orElseThrow();

        assertThat(reading.bootId()).isEqualTo("6b608aff-dc3b-43f4-8e28-bae8b5a87164");
        assertThat(reading.release()).isEqualTo("6.1.0-18-amd64");
        assertThat(reading.cmdlineHas("multihost.magic=00ff")).isTrue();
        assertThat(reading.cmdlineHas("multihost.magic=00f")).as("whole words only").isFalse();
    }

    @Test
    void anErrorMessageIsNeverABootId() {
        assertThat(BootReading.parse(0, bytes("boot_id=cat: /proc/sys/kernel/random/boot_id: No such file\n"))).isEmpty();
        assertThat(BootReading.parse(0, bytes("boot_id=\nrelease=\ncmdline=\n"))).as("read during shutdown").isEmpty();
        assertThat(BootReading.parse(97, bytes("boot_id=6b608aff-dc3b-43f4-8e28-bae8b5a87164\n"))).isEmpty();
        assertThat(BootReading.parse(0, bytes("Please login as the user \"ubuntu\" rather than \"root\".\n"))).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
