package io.junitmultihost.qemu;

import io.junitmultihost.spi.HumanDuration;
import io.junitmultihost.spi.LinkControl;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine's NICs pulled like cables, through QEMU's own {@code set_link}: {@link Link#HOSTS} is
 * its NIC on the machines' own network ({@link GuestLan}), {@link Link#TEST_JVM} its user-mode NIC
 * (the SSH forward). Each cut's end is kept here, in the provider, by a timer of its own; QEMU
 * dies with this JVM (its parent-death signal), so no machine outlives a cut's keeper.
 */
final class QemuLinks implements LinkControl {

    private static final Logger LOG = LoggerFactory.getLogger(QemuLinks.class);
    /** How long QEMU may take to answer set_link. */
    private static final Duration QMP = Duration.ofSeconds(10);

    private final QemuVm vm;
    private final Map<Link, Integer> held = new EnumMap<>(Link.class);

    QemuLinks(QemuVm vm) {
        this.vm = vm;
    }

    @Override
    public Set<Link> links() {
        return EnumSet.allOf(Link.class);
    }

    @Override
    public synchronized Cut cut(Set<Link> links, Duration duration) {
        if (links.isEmpty()) {
            throw new IllegalArgumentException("A cut needs at least one link.");
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("A cut needs a positive duration after which it ends by itself, was [" + duration + "].");
        }
        Set<Link> these = EnumSet.copyOf(links);
        these.forEach(link -> held.merge(link, 1, Integer::sum));
        try {
            apply();
        } catch (RuntimeException e) {
            release(these);
            try {
                apply();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        HeldCut cut = new HeldCut(these, duration);
        cut.end = QemuThreads.TIMER.schedule(() -> QemuThreads.IO.execute(() -> {
            try {
                cut.end("its end");
            } catch (RuntimeException e) {
                LOG.warn("QEMU host [{}]: the cut of {} could not end at its end: {}", vm.name(), these, e.getMessage());
            }
        }), duration.toMillis(), TimeUnit.MILLISECONDS);
        return cut;
    }

    /** With the lock held: the links of the cuts in force down, the others up. */
    private void apply() {
        Set<String> down = new LinkedHashSet<>();
        held.keySet().forEach(link -> down.add(link == Link.HOSTS ? QemuVm.LAN : QemuVm.USER_NET));
        vm.setLinksDown(down, QMP);
    }

    private void release(Set<Link> links) {
        links.forEach(link -> held.computeIfPresent(link, (l, n) -> n == 1 ? null : n - 1));
    }

    private final class HeldCut implements Cut {

        private final Set<Link> links;
        private final Duration duration;
        private volatile Future<?> end;
        private boolean ended;

        HeldCut(Set<Link> links, Duration duration) {
            this.links = links;
            this.duration = duration;
        }

        @Override
        public void close() {
            Future<?> timer = end;
            if (timer != null) {
                timer.cancel(false);
            }
            end("its holder");
        }

        void end(String by) {
            synchronized (QemuLinks.this) {
                if (ended) {
                    return;
                }
                ended = true;
                release(links);
                try {
                    apply();
                } catch (QemuException e) {
                    if (vm.state() == QemuVm.State.CLOSED) {
                        return;
                    }
                    throw e;
                }
            }
            LOG.info("QEMU host [{}]: cut of {} (for {} at most) ended by {}", vm.name(), links, HumanDuration.of(duration), by);
        }
    }
}
