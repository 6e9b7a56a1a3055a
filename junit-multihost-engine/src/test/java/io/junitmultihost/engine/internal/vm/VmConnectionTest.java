package io.junitmultihost.engine.internal.vm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The controller's end of a remote JVM's connection, before the JVM proved it holds the token. */
class VmConnectionTest {

    @Test
    void aGreetingClaimingMoreThanAGreetingNeedsIsRefusedBeforeAnyOfItIsRead() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket stranger = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            accepted.setSoTimeout(2000);
            DataOutputStream out = new DataOutputStream(stranger.getOutputStream());
            out.writeByte(Frame.Type.HELLO.ordinal());
            out.writeLong(0);
            out.writeInt(200_000_000);
            out.flush();

            VmConnection connection = new VmConnection(accepted);
            assertThatThrownBy(connection::readHello).isInstanceOf(IOException.class).hasMessageContaining("refused");
        }
    }
}
