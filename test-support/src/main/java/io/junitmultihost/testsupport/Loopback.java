package io.junitmultihost.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** What answers on a port of this machine's loopback, for tests of forwards that must be gone. */
public final class Loopback {

    private Loopback() {
    }

    /**
     * The first 4 bytes served on {@code port}, or "" when nothing listens or says anything within
     * a second. Refusal alone cannot be asserted: once freed, the port may be bound by any process
     * here, or a connection to it may meet itself (TCP simultaneous open).
     */
    public static String firstBytesOn(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(1000);
            return new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }
}
