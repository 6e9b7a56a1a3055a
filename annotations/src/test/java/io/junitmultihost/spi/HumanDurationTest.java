package io.junitmultihost.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(HumanDuration.of(Duration.ofNanos(63_802_248))).isEqualTo("64 ms");
        assertThat(HumanDuration.of(Duration.ofNanos(400_000))).isEqualTo("0.4 ms");
        assertThat(HumanDuration.of(Duration.ZERO)).isEqualTo("0 s");
        assertThat(HumanDuration.of(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(HumanDuration.of(Duration.ofMillis(2000))).isEqualTo("2 s");
        assertThat(HumanDuration.of(Duration.ofMillis(12_345))).isEqualTo("12.345 s");
        assertThat(HumanDuration.of(Duration.ofSeconds(60))).isEqualTo("1 min");
        assertThat(HumanDuration.of(Duration.ofSeconds(125))).isEqualTo("2 min 5 s");
        assertThat(HumanDuration.of(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
        assertThat(HumanDuration.of(Duration.ofMillis(-300))).isEqualTo("-300 ms");
    }
}
