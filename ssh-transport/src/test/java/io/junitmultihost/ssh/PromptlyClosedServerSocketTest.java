package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * A local forward's listening socket stops listening before close returns, while a thread is
 * blocked in accept as JSch's is. A plain ServerSocket let about one connection in seven through
 * here, so the rounds below catch it.
 */
class PromptlyClosedServerSocketTest {

    private static final int ROUNDS = 300;

    @Test
    void noConnectionMadeRightAfterCloseReturnedIsAcceptedWhileAThreadWaitsInAccept() throws Exception {
        int accepted = 0;
        for (int round = 0; round < ROUNDS; round++) {
            ServerSocket listening = PromptlyClosedServerSocket.FACTORY.createServerSocket(0, 0, InetAddress.getLoopbackAddress());
            int port = listening.getLocalPort();
            Thread accepting = new Thread(() -> acceptUntilClosed(listening), "accepting");
            accepting.start();
            while (accepting.getState() != Thread.State.RUNNABLE) {
                Thread.onSpinWait();
            }
            Thread.sleep(1); // into the blocking accept

            listening.close();

            if (connects(port)) {
                accepted++;
            }
            accepting.join(5000);
        }
        assertThat(accepted).as("connections accepted after close returned, in %d rounds", ROUNDS).isZero();
    }

    @Test
    void closingTwiceAndAcceptingAfterCloseFailAsOnAPlainServerSocket() throws IOException {
        ServerSocket listening = PromptlyClosedServerSocket.FACTORY.createServerSocket(0, 0, InetAddress.getLoopbackAddress());

        listening.close();
        listening.close();

        assertThat(listening.isClosed()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(listening::accept).isInstanceOf(java.net.SocketException.class);
    }

    private static void acceptUntilClosed(ServerSocket listening) {
        try {
            while (true) {
                listening.accept().close();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static boolean connects(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
