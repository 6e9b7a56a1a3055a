package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Messages name a few hosts, not all 32. */
class FewNamesTest {

    @Test
    void manyNamesShowTheFirstThreeAndHowManyMore() {
        List<String> names = IntStream.rangeClosed(1, 32).mapToObj(i -> "host-" + i).toList();

        assertThat(HostPool.few(names)).isEqualTo("[host-1, host-2, host-3, ... 29 more]");
    }

    @Test
    void upToFourNamesAreAllShown() {
        assertThat(HostPool.few(List.of("a", "b", "c", "d"))).isEqualTo("[a, b, c, d]");
        assertThat(HostPool.few(List.of("a"))).isEqualTo("[a]");
        assertThat(HostPool.few(List.of())).isEqualTo("[]");
    }
}
