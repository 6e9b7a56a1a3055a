package io.junitmultihost.engine.internal.faults;

import io.junitmultihost.api.Host;
import java.time.Duration;

/** A power cut: off through the host's provider, on again when lifted (kept by the test JVM). */
final class PowerPart implements FaultPart {

    /** How long powering on may take: a boot. */
    static final Duration BOOT = Duration.ofSeconds(120);

    private final Host host;
    private volatile boolean off;

    PowerPart(Host host) {
        this.host = host;
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public void impose(Duration deadline) {
        host.power().off(deadline);
        off = true;
    }

    @Override
    public void lift(Duration deadline) {
        if (off) {
            host.power().on(deadline.compareTo(BOOT) < 0 ? BOOT : deadline);
            off = false;
        }
    }
}
