package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Output is kept up to a limit per stream and up to a budget over all running commands; the rest is counted. */
class BoundedCaptureTest {

    @Test
    void eachStreamKeepsItsFirstBytesAndCountsTheRest() {
        BoundedCapture c = new BoundedCapture(4, new BoundedCapture.Budget(100), () -> { });
        c.write("abcdef".getBytes(), 0, 6);
        c.write('g');
        assertThat(new String(c.toByteArray())).isEqualTo("abcd");
        assertThat(c.dropped()).isEqualTo(3);
    }

    @Test
    void manyCommandsAtOnceShareOneBudgetAndGiveItBackWhenTheyEnd() {
        BoundedCapture.Budget budget = new BoundedCapture.Budget(10);
        BoundedCapture first = new BoundedCapture(8, budget, () -> { });
        BoundedCapture second = new BoundedCapture(8, budget, () -> { });
        first.write("12345678".getBytes(), 0, 8);
        second.write("abcdefgh".getBytes(), 0, 8);
        assertThat(first.toByteArray()).hasSize(8);
        assertThat(new String(second.toByteArray())).isEqualTo("ab");
        assertThat(second.dropped()).isEqualTo(6);
        assertThat(budget.held()).isEqualTo(10);

        first.close();
        assertThat(budget.held()).isEqualTo(2);
        assertThat(first.toByteArray()).as("still readable once ended").hasSize(8);
        BoundedCapture third = new BoundedCapture(8, budget, () -> { });
        third.write("ABCDEFGH".getBytes(), 0, 8);
        assertThat(third.toByteArray()).hasSize(8);
        second.release();
        third.close();
        assertThat(budget.held()).isZero();
    }

    @Test
    void theJvmWideBudgetIsFarBelowOneLimitTimesAHundredHosts() {
        assertThat(BoundedCapture.TOTAL_LIMIT).isLessThan(100L * 2 * 64 * 1024 * 1024);
        assertThat(BoundedCapture.limits(64)).contains("[64] bytes of each stream").contains("[" + BoundedCapture.TOTAL_LIMIT + "] bytes");
    }
}
