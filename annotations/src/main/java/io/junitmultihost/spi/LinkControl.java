package io.junitmultihost.spi;

import java.time.Duration;
import java.util.Set;

/**
 * A host's network links as its provider can take them down from outside the host, like pulling a
 * cable: a virtual machine's NICs through QEMU's own controls ({@code set_link}). Nothing on the
 * host is changed, so it needs neither root nor a packet filter there. The engine's faults use it,
 * where a host's {@link HostControl#linkControl()} offers one, for {@code isolate} and
 * {@code isolateCompletely}.
 *
 * <p>Every cut ends by itself: the provider puts the link up again at the end of the duration it
 * was given, whatever the caller does; the provider's own end (its process, which the machine dies
 * with) is the end of every cut.
 */
public interface LinkControl {

    /** A link of the host. */
    enum Link {
        /** The link to the other hosts of the run: they, and it, reach each other through it. */
        HOSTS,
        /** The link the test JVM reaches the host through (its SSH). */
        TEST_JVM
    }

    /**
     * Takes {@code links} down now, for {@code duration} at most; returns once they are down.
     * Cuts may overlap: a link is up again when no cut of it is in force.
     *
     * @throws UnsupportedOperationException when one of {@code links} is not one this control cuts
     */
    Cut cut(Set<Link> links, Duration duration);

    /** The links this control can cut. */
    Set<Link> links();

    /** One cut in force. */
    interface Cut extends AutoCloseable {

        /** Ends the cut at once (its links are up again when no other cut holds them down); a no-op when it ended. */
        @Override
        void close();
    }
}
