package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PgidMarkerFilterTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicLong pid = new AtomicLong(-1);
    private final PgidMarkerFilter filter = new PgidMarkerFilter("MARK-1", out, pid::set);

    @Test
    void theMarkerLineIsTakenOutAndItsPidReported() throws Exception {
        write("MARK-1 4242\nreal error\n");

        assertThat(pid.get()).isEqualTo(4242);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("real error\n");
    }

    @Test
    void aMarkerSplitAcrossWritesIsStillFound() throws Exception {
        write("noise from .bashrc\nMAR");
        write("K-1 17");
        write("\nafter");

        assertThat(pid.get()).isEqualTo(17);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("noise from .bashrc\nafter");
    }

    @Test
    void textThatOnlyLooksLikeTheMarkerPassesThrough() throws Exception {
        write("xMARK-1 5\n");
        filter.close();

        assertThat(pid.get()).isEqualTo(-1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("xMARK-1 5\n");
    }

    @Test
    void withoutAMarkerEverythingPassesThroughAfterTheSearchLimit() throws Exception {
        byte[] big = new byte[PgidMarkerFilter.SEARCH_LIMIT + 10];
        filter.write(big, 0, big.length);
        write("MARK-1 9\n");

        assertThat(pid.get()).isEqualTo(-1);
        assertThat(out.size()).isEqualTo(big.length + "MARK-1 9\n".length());
    }

    private void write(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        filter.write(bytes, 0, bytes.length);
    }
}
