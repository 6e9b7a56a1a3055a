package io.junitmultihost.qemu;

import java.security.SecureRandom;
import java.util.List;

/**
 * The network the machines of one provider session share, so that a program on one guest reaches
 * another (each guest's user-mode network, its SSH forward and way out, reaches no other guest).
 * Each guest's second NIC ({@code eth1}) joins a QEMU multicast socket on this machine's loopback,
 * a hub no process outside this machine can reach: {@code 10.0.3.<10 + n>/24} for machine
 * {@code qemu-<n>}, the address its host's {@code address()} gives. The group and port are chosen
 * at random per session, so that two runs on one machine do not share a network.
 */
final class GuestLan {

    static final int PREFIX = 24;
    private static final String SUBNET = "10.0.3.";
    private static final int FIRST = 10;

    /** One machine's place on the network: its address and MAC, and the QEMU arguments that plug it in. */
    record Plug(String address, String mac, String group, int port) {

        List<String> qemuArguments() {
            return List.of("-netdev", "socket,id=" + QemuVm.LAN + ",mcast=" + group + ":" + port + ",localaddr=127.0.0.1",
                    "-device", "virtio-net-pci,netdev=" + QemuVm.LAN + ",mac=" + mac);
        }
    }

    private final String group;
    private final int port;

    private GuestLan(String group, int port) {
        this.group = group;
        this.port = port;
    }

    /** A network of its own: a random group in the organisation-local scope 239.255.0.0/16, a random port. */
    static GuestLan create() {
        SecureRandom random = new SecureRandom();
        return new GuestLan("239.255." + random.nextInt(256) + "." + (1 + random.nextInt(254)), 20000 + random.nextInt(40000));
    }

    /** The plug of machine {@code n} (1-based). */
    Plug plug(int n) {
        if (n < 1 || n > 240) {
            throw new QemuException("The guests' network has room for 240 machines; machine [" + n + "] asked for a place.");
        }
        return new Plug(SUBNET + (FIRST + n), String.format("52:54:00:4d:48:%02x", n), group, port);
    }
}
