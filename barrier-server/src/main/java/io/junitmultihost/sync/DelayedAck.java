package io.junitmultihost.sync;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * Asks the kernel to delay the ACK of the answer a client now waits for (Linux TCP_QUICKACK off).
 * A fresh or long-idle connection ACKs at once, and on loopback that extra packet is processed in
 * the server's write: a release to a thousand waiters sent two thousand packets instead of one
 * thousand. The ACK rides on the next request or on the close instead; the server sets
 * TCP_NODELAY, so no answer waits for it. Where the option does not exist, nothing changes.
 */
final class DelayedAck {

    private static final SocketOption<Boolean> QUICKACK = ExtendedSocketOptions.TCP_QUICKACK;

    private DelayedAck() {
    }

    static void request(NetworkChannel channel) {
        if (channel.supportedOptions().contains(QUICKACK)) {
            try {
                channel.setOption(QUICKACK, false);
            } catch (IOException | UnsupportedOperationException e) {
                // an optimisation only
            }
        }
    }

    static void request(Socket socket) {
        if (socket.supportedOptions().contains(QUICKACK)) {
            try {
                socket.setOption(QUICKACK, false);
            } catch (IOException | UnsupportedOperationException e) {
                // an optimisation only
            }
        }
    }
}
