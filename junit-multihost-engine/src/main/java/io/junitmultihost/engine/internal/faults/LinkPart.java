package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Host;
import io.junitmultihost.spi.LinkControl;
import java.time.Duration;
import java.util.Set;

/**
 * A cut of a host's links through its provider's own controls ({@link LinkControl}: QEMU's
 * {@code set_link}), like a pulled cable: nothing on the host changes, so lifting restores it
 * exactly and needs no answer from the host. The cut's end is kept by the provider, in this JVM,
 * whose machines die with it.
 */
final class LinkPart implements FaultPart {

    private final Host host;
    private final LinkControl control;
    private final Set<LinkControl.Link> links;
    private final Duration duration;
    private volatile LinkControl.Cut cut;

    LinkPart(Host host, LinkControl control, Set<LinkControl.Link> links, Duration duration) {
        this.host = host;
        this.control = control;
        this.links = Set.copyOf(links);
        this.duration = duration;
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public void impose(Duration deadline) {
        cut = control.cut(links, duration);
    }

    @Override
    public void lift(Duration deadline) {
        LinkControl.Cut held = cut;
        if (held != null) {
            held.close();
            cut = null;
        }
    }
}
