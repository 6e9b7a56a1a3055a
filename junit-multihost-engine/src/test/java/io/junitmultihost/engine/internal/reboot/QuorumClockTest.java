package io.junitmultihost.engine.internal.reboot;

import static io.junitmultihost.engine.internal.reboot.QuorumClock.Decision.FAIL;
import static io.junitmultihost.engine.internal.reboot.QuorumClock.Decision.GO;
import static io.junitmultihost.engine.internal.reboot.QuorumClock.Decision.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.Quorum;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuorumClockTest {

    @Test
    void theTargetGoesAtOnce() {
        QuorumClock clock = new QuorumClock(Quorum.of(100, 85, Duration.ofMinutes(5)));

        assertThat(clock.decide(100, 0)).isEqualTo(GO);
    }

    @Test
    void theMinimumStartsTheCountdownAndItsEndGoesOnWithWhatMadeIt() throws Exception {
        QuorumClock clock = new QuorumClock(Quorum.of(100, 85, Duration.ofMillis(200)));

        assertThat(clock.decide(84, 16)).isEqualTo(WAIT);
        assertThat(clock.counting()).isFalse();
        assertThat(clock.decide(85, 15)).isEqualTo(WAIT);
        assertThat(clock.counting()).isTrue();
        Thread.sleep(250);

        assertThat(clock.decide(85, 15)).isEqualTo(GO);
    }

    @Test
    void withTheMinimumAndNothingPendingThereIsNothingToWaitFor() {
        assertThat(new QuorumClock(Quorum.of(100, 85, Duration.ofMinutes(5))).decide(90, 0)).isEqualTo(GO);
    }

    @Test
    void tooFewLeftToReachTheMinimumFailsAtOnce() {
        assertThat(new QuorumClock(Quorum.of(10, 8, Duration.ZERO)).decide(5, 2)).isEqualTo(FAIL);
    }

    @Test
    void belowTheMinimumAtTheDeadlineFails() throws Exception {
        QuorumClock clock = new QuorumClock(Quorum.of(10, 8, Duration.ZERO).withDeadline(Duration.ofMillis(100)));
        assertThat(clock.decide(7, 3)).isEqualTo(WAIT);
        Thread.sleep(150);

        assertThat(clock.decide(7, 3)).isEqualTo(FAIL);
        assertThat(clock.pastDeadline()).isTrue();
    }

    @Test
    void droppingBelowTheMinimumStopsTheCountdown() {
        QuorumClock clock = new QuorumClock(Quorum.of(10, 5, Duration.ofMinutes(1)));
        clock.decide(5, 5);

        clock.decide(4, 5);

        assertThat(clock.counting()).isFalse();
    }

    @Test
    void quorumsAreCheckedWhenMadeAndAgainstTheHostsGiven() {
        assertThat(Quorum.all().forHosts(7)).isEqualTo(Quorum.of(7, 7, Duration.ZERO));
        assertThatThrownBy(() -> Quorum.of(5, 6, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A quorum needs 1 <= min <= target, was min [6], target [5].");
        assertThatThrownBy(() -> Quorum.of(5, 4, Duration.ZERO).forHosts(4)).isInstanceOf(ConfigurationException.class)
                .hasMessage("A quorum with target [5] cannot be met by [4] hosts; lower the target or give more hosts.");
        assertThatThrownBy(() -> new QuorumClock(Quorum.all())).isInstanceOf(IllegalArgumentException.class);
    }
}
