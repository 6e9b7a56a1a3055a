package io.junitmultihost.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QEMU's machine protocol (QMP) on one virtual machine's unix socket: reads its events (why the
 * machine shut down) and sends commands ({@code system_reset}). Line-oriented JSON; the few
 * fields read are picked out by pattern, so no JSON library is needed.
 */
final class Qmp implements AutoCloseable {

    private static final Pattern SHUTDOWN = Pattern.compile("\"event\"\\s*:\\s*\"SHUTDOWN\".*\"reason\"\\s*:\\s*\"([a-z-]+)\"");

    private final SocketChannel channel;
    private volatile String shutdownReason;
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    private Qmp(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects to {@code socket} once QEMU has made it, within {@code deadline}, and reads events in the background. */
    static Qmp connect(Path socket, Duration deadline, ProcessHandle qemu) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            if (Files.exists(socket)) {
                try {
                    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    Qmp qmp = new Qmp(channel);
                    qmp.send("{\"execute\":\"qmp_capabilities\"}");
                    QemuThreads.IO.execute(qmp::readEvents);
                    return qmp;
                } catch (IOException e) {
                    if (System.nanoTime() > end || !qemu.isAlive()) {
                        throw e;
                    }
                }
            } else if (System.nanoTime() > end || !qemu.isAlive()) {
                throw new IOException("QEMU made no QMP socket [" + socket + "] within [" + deadline.toMillis() + " ms]");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to QMP", e);
            }
        }
    }

    /**
     * The reason of the machine's SHUTDOWN event ({@code guest-reset}, {@code guest-shutdown},
     * {@code host-qmp-system-reset}, ...), null if none came; once QEMU has exited, waits up to
     * {@code wait} for the reader to reach the socket's end, so that the last event is not missed.
     */
    String shutdownReason(Duration wait) {
        try {
            ended.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return shutdownReason;
    }

    /** Sends one command; its answer is read (and dropped) by the event reader. */
    synchronized void send(String json) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private void readEvents() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Matcher m = SHUTDOWN.matcher(line);
                if (m.find()) {
                    shutdownReason = m.group(1);
                }
            }
        } catch (IOException e) {
            // QEMU exited or the socket was closed: the exit handler reads what was seen.
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket to a QEMU that has gone.
        }
    }
}
