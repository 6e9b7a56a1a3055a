package io.junitmultihost.qemu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The network the machines of one provider session share, so that a program on one guest reaches
 * another (each guest's user-mode network, its SSH forward and way out, reaches no other guest).
 * Each guest's second NIC ({@code eth1}) is plugged into a hub of this JVM's ({@link LanHub}) on a
 * unix socket in the session's directory, which only this user can enter: no other user of this
 * machine, and no other run, joins it. {@code 10.0.3.<10 + n>/24} is machine {@code qemu-<n>}'s
 * address, the one its host's {@code address()} gives.
 */
final class GuestLan implements AutoCloseable {

    static final int PREFIX = 24;
    private static final String SUBNET = "10.0.3.";
    private static final int FIRST = 10;

    /** One machine's place on the network: its address and MAC, and the QEMU arguments that plug it in. */
    record Plug(String address, String mac, Path hub) {

        List<String> qemuArguments() {
            return List.of("-netdev", "stream,id=" + QemuVm.LAN + ",server=off,addr.type=unix,addr.path=" + hub,
                    "-device", "virtio-net-pci,netdev=" + QemuVm.LAN + ",mac=" + mac);
        }
    }

    private final LanHub hub;

    private GuestLan(LanHub hub) {
        this.hub = hub;
    }

    /** A network of its own, its hub listening on {@code dir}/lan.sock ({@code dir} only this user enters). */
    static GuestLan create(Path dir) throws IOException {
        return new GuestLan(LanHub.start(dir.resolve("lan.sock")));
    }

    /** The plug of machine {@code n} (1-based). */
    Plug plug(int n) {
        if (n < 1 || n > 240) {
            throw new QemuException("The guests' network has room for 240 machines; machine [" + n + "] asked for a place.");
        }
        return new Plug(SUBNET + (FIRST + n), String.format("52:54:00:4d:48:%02x", n), hub.socket());
    }

    @Override
    public void close() {
        hub.close();
    }
}
