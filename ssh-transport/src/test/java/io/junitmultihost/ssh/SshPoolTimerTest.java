package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pool's one timer serves every host's deadlines: what a deadline does must not hold up the others. */
class SshPoolTimerTest {

    @Test
    void aDeadlineWhoseActionBlocksDoesNotHoldUpTheOtherDeadlinesOfThePool() throws Exception {
        try (SshPool pool = SshPool.create()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocking = new CountDownLatch(1);
            // as closing a channel whose write is stuck on a dead link does, until TCP gives up
            pool.timer().schedule(() -> {
                blocking.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, 1, TimeUnit.MILLISECONDS);
            assertThat(blocking.await(5, TimeUnit.SECONDS)).as("the blocking action started").isTrue();

            CountDownLatch other = new CountDownLatch(1);
            long start = System.nanoTime();
            pool.timer().schedule(other::countDown, 200, TimeUnit.MILLISECONDS);

            try {
                assertThat(other.await(5, TimeUnit.SECONDS)).as("another host's deadline fired").isTrue();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("ms to it").isLessThan(1200);
            } finally {
                release.countDown();
            }
        }
    }
}
