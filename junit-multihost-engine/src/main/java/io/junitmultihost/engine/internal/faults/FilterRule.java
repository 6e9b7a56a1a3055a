package io.junitmultihost.engine.internal.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * One packet filter of a network fault, rendered for nftables and for iptables. Rules of one fault
 * live in a table (nftables) or chains (iptables) of their own, so an {@code accept} here never
 * lets through what another table drops. In a script, {@code $C} is the test JVM's address as the
 * host sees it ({@code $SSH_CLIENT}) and {@code $CF} its family ({@code ip} or {@code ip6}).
 *
 * @param incoming whether it filters what the host receives (else what it sends)
 * @param peers the peer addresses it applies to; empty: every peer but loopback
 * @param spareController whether the test JVM's own traffic passes
 * @param percent the share of matching packets hit, 1 to 100
 * @param reset whether a hit TCP packet is answered with a reset (else every hit packet is dropped); a
 *     reset itself passes, so that the one answering a packet that came in can go out
 */
record FilterRule(boolean incoming, List<String> peers, boolean spareController, int percent, boolean reset) {

    FilterRule {
        peers = List.copyOf(peers);
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("The share of packets must be 1 to 100, was [" + percent + "].");
        }
    }

    /** The chain body for nftables: one statement a line. */
    List<String> nft() {
        List<String> lines = new ArrayList<>();
        String addr = incoming ? "saddr" : "daddr";
        lines.add((incoming ? "iifname" : "oifname") + " \"lo\" accept");
        if (spareController) {
            lines.add("$CF " + addr + " $C accept");
        }
        String hit = (percent < 100 ? "numgen random mod 100 < " + percent + " " : "")
                + (reset ? "tcp flags & rst == 0 reject with tcp reset" : "drop");
        List<String> v4 = peers.stream().filter(p -> !p.contains(":")).toList();
        List<String> v6 = peers.stream().filter(p -> p.contains(":")).toList();
        if (peers.isEmpty()) {
            lines.add(hit);
        }
        if (!v4.isEmpty()) {
            lines.add("ip " + addr + " { " + String.join(", ", v4) + " } " + hit);
        }
        if (!v6.isEmpty()) {
            lines.add("ip6 " + addr + " { " + String.join(", ", v6) + " } " + hit);
        }
        return lines;
    }

    /** The rules for iptables, appended to {@code chain}: one argument string a line (IPv4 only). */
    List<String> iptables(String chain) {
        List<String> lines = new ArrayList<>();
        String flag = incoming ? "-s" : "-d";
        lines.add("-A " + chain + " " + (incoming ? "-i" : "-o") + " lo -j RETURN");
        if (spareController) {
            lines.add("-A " + chain + " " + flag + " $C -j RETURN");
        }
        String hit = (percent < 100 ? " -m statistic --mode random --probability 0." + String.format("%02d", percent) : "")
                + (reset ? " -p tcp ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset" : " -j DROP");
        if (peers.isEmpty()) {
            lines.add("-A " + chain + hit);
        }
        for (String peer : peers) {
            lines.add("-A " + chain + " " + flag + " " + peer + hit);
        }
        return lines;
    }

    /** Whether iptables can make it: IPv4 peers only. */
    boolean fitsIptables() {
        return peers.stream().noneMatch(p -> p.contains(":"));
    }
}
