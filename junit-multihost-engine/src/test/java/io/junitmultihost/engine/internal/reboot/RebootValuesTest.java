package io.junitmultihost.engine.internal.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.HostState;
import io.junitmultihost.api.RebootException;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.StateWaitResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The API's reboot value types: validation, with-ers, messages. */
class RebootValuesTest {

    @Test
    void rebootOptionsAreImmutableValuesWithDefaults() {
        RebootOptions defaults = RebootOptions.defaults();
        RebootOptions magic = defaults.withMagic(true).withStableFor(Duration.ofSeconds(30));

        assertThat(defaults.magic()).isFalse();
        assertThat(defaults.command()).isEmpty();
        assertThat(defaults.sendsCommand()).isTrue();
        assertThat(defaults.upTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(magic.magic()).isTrue();
        assertThat(magic.stableFor()).isEqualTo(Duration.ofSeconds(30));
        assertThat(magic).isEqualTo(RebootOptions.builder().magic(true).stableFor(Duration.ofSeconds(30)).build())
                .hasSameHashCodeAs(RebootOptions.builder().magic(true).stableFor(Duration.ofSeconds(30)).build());
        assertThat(defaults.withoutCommand().sendsCommand()).isFalse();
        assertThat(defaults.withoutCommand().withCommand("systemctl reboot").sendsCommand()).isTrue();
        assertThat(magic.toString()).contains("magic", "stableFor=PT30S");
    }

    @Test
    void badRebootOptionsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> RebootOptions.defaults().withUpTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("The up timeout must be positive, was [0 s].");
        assertThatThrownBy(() -> RebootOptions.defaults().withMaxRetries(-1))
                .hasMessage("The retries for a wrong kernel must not be negative, was [-1].");
        assertThatThrownBy(() -> RebootOptions.defaults().withCommand(" "))
                .hasMessageStartingWith("A reboot command must not be blank");
    }

    @Test
    void aStateWaitResultSaysWhoIsPendingAndNamesWhoDidNotMakeIt() {
        StateWaitResult result = new StateWaitResult(Set.of("a", "b", "c"), List.of(HostState.DOWN, HostState.READY),
                Set.of("a"), Map.of("b", "Host [b] did not come back"), Map.of("a", HostState.READY, "b", HostState.FAILED),
                false, Duration.ofSeconds(3));

        assertThat(result.pending()).containsExactly("c");
        assertThat(result.complete()).isFalse();
        assertThatThrownBy(result::assertAllReached).isInstanceOf(RebootException.class)
                .hasMessageContaining("[2] of [3] hosts did not go through [DOWN, READY] within [3 s]")
                .hasMessageContaining("b: FAILED (Host [b] did not come back)")
                .hasMessageContaining("c: last state [none seen]");
    }
}
