package io.junitmultihost.lab;

import java.util.Set;
import java.util.TreeSet;

/**
 * The faults applied to one host, as the nftables ruleset that makes them in the host's own
 * namespace. Loopback traffic always passes, so the lab's checks from inside the namespace work
 * whatever a test did to the link. Immutable.
 */
record FaultRules(boolean linkCut, boolean down, int dropPercent, Set<String> cutPeers) {

    static final FaultRules NONE = new FaultRules(false, false, 0, Set.of());

    FaultRules {
        cutPeers = Set.copyOf(cutPeers);
    }

    FaultRules withLinkCut(boolean cut) {
        return new FaultRules(cut, down, dropPercent, cutPeers);
    }

    FaultRules withDown(boolean isDown) {
        return new FaultRules(linkCut, isDown, dropPercent, cutPeers);
    }

    FaultRules withDropPercent(int percent) {
        return new FaultRules(linkCut, down, percent, cutPeers);
    }

    FaultRules withCutPeer(String address, boolean cut) {
        Set<String> peers = new TreeSet<>(cutPeers);
        if (cut) {
            peers.add(address);
        } else {
            peers.remove(address);
        }
        return new FaultRules(linkCut, down, dropPercent, peers);
    }

    /** The faults a test can apply, cleared; whether the host is down stays as it is. */
    FaultRules cleared() {
        return new FaultRules(false, down, 0, Set.of());
    }

    boolean any() {
        return linkCut || down || dropPercent > 0 || !cutPeers.isEmpty();
    }

    /** An {@code nft -f} script that replaces the lab's table atomically (or removes it when no fault is left). */
    String script() {
        String table = "table inet " + LabNetwork.FAULT_TABLE;
        StringBuilder s = new StringBuilder();
        // Declaring the table first makes the delete succeed when it does not exist yet.
        s.append(table).append("\n").append("delete ").append(table).append("\n");
        if (!any()) {
            return s.toString();
        }
        s.append(table).append(" {\n");
        s.append(chain("input", "input", "iifname", "saddr"));
        s.append(chain("output", "output", "oifname", "daddr"));
        s.append("}\n");
        return s.toString();
    }

    private String chain(String name, String hook, String interfaceKey, String peerKey) {
        StringBuilder s = new StringBuilder();
        s.append("  chain ").append(name).append(" {\n");
        s.append("    type filter hook ").append(hook).append(" priority -300; policy accept;\n");
        s.append("    ").append(interfaceKey).append(" \"lo\" accept\n");
        if (linkCut || down) {
            s.append("    drop\n");
        }
        if (!cutPeers.isEmpty()) {
            s.append("    ip ").append(peerKey).append(" { ").append(String.join(", ", new TreeSet<>(cutPeers))).append(" } drop\n");
        }
        if (dropPercent >= 100) {
            s.append("    drop\n");
        } else if (dropPercent > 0) {
            s.append("    numgen random mod 100 < ").append(dropPercent).append(" drop\n");
        }
        s.append("  }\n");
        return s.toString();
    }
}
