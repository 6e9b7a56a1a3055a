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
 * fields read are picked out by pattern, so no JSON library is needed. A command sent with
 * {@link #execute} carries an id its answer echoes.
 */
final class Qmp implements AutoCloseable {

    private static final Pattern SHUTDOWN = Pattern.compile("\"event\"\\s*:\\s*\"SHUTDOWN\".*\"reason\"\\s*:\\s*\"([a-z-]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"(c[0-9]+)\"");
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:.*\"desc\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Map<String, java.util.concurrent.CompletableFuture<String>> answers = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * Runs {@code command} with {@code arguments} (a JSON object, or null) and waits for its answer
     * within {@code deadline}; an {@link IOException} with QEMU's reason when it answered with an error.
     */
    String execute(String command, String arguments, Duration deadline) throws IOException {
        String id = "c" + ids.incrementAndGet();
        java.util.concurrent.CompletableFuture<String> answer = new java.util.concurrent.CompletableFuture<>();
        answers.put(id, answer);
        try {
            send("{\"execute\":\"" + command + "\"" + (arguments == null ? "" : ",\"arguments\":" + arguments)
                    + ",\"id\":\"" + id + "\"}");
            String line = answer.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            Matcher error = ERROR.matcher(line);
            if (error.find()) {
                throw new IOException("QEMU refused " + command + ": " + error.group(1));
            }
            return line;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("QEMU did not answer " + command + " within [" + deadline.toMillis() + " ms]");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("QEMU's QMP connection ended before it answered " + command, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for QEMU's answer to " + command, e);
        } finally {
            answers.remove(id);
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
                Matcher id = ID.matcher(line);
                if (id.find()) {
                    java.util.concurrent.CompletableFuture<String> answer = answers.get(id.group(1));
                    if (answer != null) {
                        answer.complete(line);
                    }
                }
            }
        } catch (IOException e) {
            // QEMU exited or the socket was closed: the exit handler reads what was seen.
        } finally {
            answers.values().forEach(a -> a.completeExceptionally(new IOException("QMP connection closed")));
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
