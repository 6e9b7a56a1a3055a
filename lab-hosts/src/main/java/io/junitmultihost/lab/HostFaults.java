package io.junitmultihost.lab;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults of one lab host's network, applied with nftables inside its namespace and tc on its
 * link: a cut link, packet loss, peers cut off, a bandwidth limit, and "down" (nothing answers
 * while the host is off or rebooting). Thread-safe.
 */
final class HostFaults {

    private static final Logger LOG = LoggerFactory.getLogger(LabHost.class);

    private final String name;
    private final String namespace;
    private final String veth;
    private FaultRules rules = FaultRules.NONE;
    private Long bandwidth;

    HostFaults(String name, String namespace, String veth) {
        this.name = name;
        this.namespace = namespace;
        this.veth = veth;
    }

    synchronized void cutLink() {
        apply(rules.withLinkCut(true));
        LOG.info("Lab host [{}]: link cut", name);
    }

    synchronized void restoreLink() {
        apply(rules.withLinkCut(false));
        LOG.info("Lab host [{}]: link restored", name);
    }

    synchronized void dropPackets(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("The share of packets to drop must be 0 to 100, was [" + percent + "].");
        }
        apply(rules.withDropPercent(percent));
        LOG.info("Lab host [{}]: dropping {}% of packets", name, percent);
    }

    synchronized void cutFrom(LabHost peer) {
        apply(rules.withCutPeer(Objects.requireNonNull(peer, "peer").address(), true));
        LOG.info("Lab host [{}]: cut off from [{}]", name, peer.name());
    }

    synchronized void restoreFrom(LabHost peer) {
        apply(rules.withCutPeer(Objects.requireNonNull(peer, "peer").address(), false));
        LOG.info("Lab host [{}]: reconnected to [{}]", name, peer.name());
    }

    synchronized void cutFromMachine(String gateway) {
        apply(rules.withCutPeer(gateway, true));
        LOG.info("Lab host [{}]: cut off from this machine", name);
    }

    synchronized void restoreFromMachine(String gateway) {
        apply(rules.withCutPeer(gateway, false));
        LOG.info("Lab host [{}]: reconnected to this machine", name);
    }

    synchronized void limitBandwidth(long bitsPerSecond) {
        if (bitsPerSecond < 8000) {
            throw new IllegalArgumentException("The bandwidth limit must be at least 8000 bit/s, was [" + bitsPerSecond + "].");
        }
        LabNetwork.limitBandwidth(namespace, veth, bitsPerSecond);
        bandwidth = bitsPerSecond;
        LOG.info("Lab host [{}]: bandwidth limited to {} bit/s", name, bitsPerSecond);
    }

    synchronized void removeBandwidthLimit() {
        if (bandwidth != null) {
            LabNetwork.removeBandwidthLimit(namespace, veth);
            bandwidth = null;
            LOG.info("Lab host [{}]: bandwidth limit lifted", name);
        }
    }

    /**
     * Lifts every fault a test applied, the engine's too (docs/FAULTS.md); whether the host is down
     * stays as it is.
     */
    synchronized void clear() {
        if (!rules.cleared().equals(rules)) {
            apply(rules.cleared());
        }
        removeBandwidthLimit();
        LabNetwork.clearEngineFaults(namespace);
    }

    /** The host went down: nothing reaches it until it boots. */
    synchronized void down() {
        apply(rules.withDown(true));
    }

    /** As {@link #down()}, logging rather than throwing when the rules cannot be applied. */
    synchronized void downQuietly() {
        try {
            apply(rules.withDown(true));
        } catch (RuntimeException e) {
            LOG.warn("Lab host [{}]: could not apply its network rules: {}", name, e.getMessage());
        }
    }

    /** The host boots: it is reachable again (with the faults a test applied). */
    synchronized void up() {
        if (rules.down()) {
            apply(rules.withDown(false));
        }
    }

    private void apply(FaultRules next) {
        LabNetwork.applyRules(namespace, next.script());
        rules = next;
    }
}
