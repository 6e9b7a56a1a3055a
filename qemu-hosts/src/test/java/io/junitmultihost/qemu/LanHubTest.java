package io.junitmultihost.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guests' hub, with plain sockets in QEMU's stream framing standing in for three guests. */
class LanHubTest {

    @TempDir
    Path dir;

    @Test
    void aFrameOneGuestSendsReachesEveryOtherGuestAndNotItself() throws Exception {
        try (LanHub hub = LanHub.start(dir.resolve("lan.sock"));
                SocketChannel a = connect(hub); SocketChannel b = connect(hub); SocketChannel c = connect(hub)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.plugged() == 3);
            send(a, "hello from a");
            assertThat(receive(b)).isEqualTo("hello from a");
            assertThat(receive(c)).isEqualTo("hello from a");
            send(c, "and from c");
            assertThat(receive(a)).isEqualTo("and from c");
            assertThat(receive(b)).isEqualTo("and from c");
            a.configureBlocking(false);
            assertThat(a.read(ByteBuffer.allocate(64))).as("a got nothing of its own").isZero();
        }
    }

    @Test
    void theHubsSocketLivesInTheSessionsDirectoryThatOnlyItsUserEnters() throws IOException {
        Path session = Files.createTempDirectory(StaleSessions.PREFIX);
        try (LanHub hub = LanHub.start(session.resolve("lan.sock"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(session))).isEqualTo("rwx------");
            assertThat(hub.socket()).startsWith(session);
        } finally {
            Kernels.delete(session);
        }
    }

    private static SocketChannel connect(LanHub hub) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(hub.socket()));
        return channel;
    }

    private static void send(SocketChannel channel, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    private static String receive(SocketChannel channel) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(4);
        fill(channel, length);
        ByteBuffer frame = ByteBuffer.allocate(length.getInt(0));
        fill(channel, frame);
        return new String(frame.array(), StandardCharsets.UTF_8);
    }

    private static void fill(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("closed");
            }
        }
    }
}
