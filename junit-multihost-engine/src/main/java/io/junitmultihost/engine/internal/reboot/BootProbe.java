package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.ssh.BannerConnection;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshException;
import io.junitmultihost.ssh.SshHost;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The reads a reboot state machine makes of one host: its boot over a fresh or the pooled
 * connection, and whether sshd accepts TCP connections. The session held on a boot is
 * {@link BootWatch}.
 */
final class BootProbe {

    /**
     * How a probe of the SSH port ended: {@code ACCEPTING} sshd sent its banner; {@code CLOSED} the
     * connection was accepted, then closed or reset without a banner; {@code SILENT} accepted, but no
     * banner in time (both: a forwarder in front of a host that is down, or an sshd refusing work);
     * {@code PENDING} connections still wait for a banner ({@link BannerProbes}).
     */
    enum Tcp { ACCEPTING, REFUSED, TIMED_OUT, UNREACHABLE, CLOSED, SILENT, NOT_PROBED, PENDING }

    private final SshHost ssh;
    private volatile boolean tcpProbing;

    BootProbe(SshHost ssh) {
        this.ssh = ssh;
        // Through a jump host the port is not ours to probe; then SSH itself is polled.
        this.tcpProbing = ssh.target().proxyJump() == null;
    }

    SshHost ssh() {
        return ssh;
    }

    /** Reads the boot over a new connection of its own, never the pooled one (which may still be on the old boot). */
    Read readFresh(Duration deadline) {
        try {
            return Read.of(ssh.execFresh(RemoteCommand.shell(BootReading.SCRIPT), deadline));
        } catch (SshException e) {
            return Read.failed(e.getMessage());
        }
    }

    /**
     * Reads the boot over a new connection of its own ({@code connection}, whose banner a probe read,
     * or else a new one); when it reads a well-formed boot id that is not in {@code seen} (a new
     * boot), that connection becomes the pooled one, so that the commands after the reboot need no
     * handshake of their own.
     */
    Read readFreshKeepingNewBoot(Duration deadline, Set<String> seen, BannerConnection connection) {
        try {
            return Read.of(ssh.execFresh(RemoteCommand.shell(BootReading.SCRIPT), deadline, result ->
                    BootReading.parse(result.exitCode(), result.stdout()).filter(r -> !seen.contains(r.bootId())).isPresent(),
                    connection));
        } catch (SshException e) {
            return Read.failed(e.getMessage());
        }
    }

    /** Reads the boot over the pooled connection. */
    Read readPooled(Duration deadline) {
        try {
            return Read.of(ssh.exec(RemoteCommand.shell(BootReading.SCRIPT).idempotent(), deadline));
        } catch (SshException e) {
            return Read.failed(e.getMessage());
        }
    }

    /** Runs a shell script over the pooled connection. */
    RemoteResult exec(String script, Duration deadline) {
        return ssh.exec(RemoteCommand.shell(script), deadline);
    }

    /**
     * Connects to the SSH port within {@code connect} and reads sshd's version line ({@code SSH-2.0-...})
     * within {@code banner}: cheap, with no SSH handshake (no key exchange), and right behind a NAT
     * port forward, proxy or bastion too, which accept TCP for a host that is down ({@link Tcp#CLOSED}
     * or {@link Tcp#SILENT} there, where a bare connect would look up).
     */
    Tcp banner(Duration connect, Duration banner) {
        if (!tcpProbing) {
            return Tcp.NOT_PROBED;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ssh.target().host(), ssh.target().port()), millis(connect));
            socket.setSoTimeout(millis(banner));
            return readsBanner(socket.getInputStream(), System.nanoTime() + banner.toNanos()) ? Tcp.ACCEPTING : Tcp.CLOSED;
        } catch (IOException | IllegalArgumentException e) {
            return classify(e);
        }
    }

    /**
     * Overlapping banner probes for a host that is down ({@link BannerProbes}), each connect within
     * {@code connect} and its banner within {@code banner} (one of them within {@code patient});
     * null when the port is not probed (then SSH itself is polled).
     */
    BannerProbes bannerProbes(Duration connect, Duration banner, Duration patient) {
        if (!tcpProbing) {
            return null;
        }
        InetSocketAddress address = new InetSocketAddress(ssh.target().host(), ssh.target().port());
        if (address.isUnresolved()) {
            tcpProbing = false; // a name only the SSH configuration knows: poll over SSH instead
            return null;
        }
        try {
            return new BannerProbes(address, connect, banner, patient, this::classify);
        } catch (IOException e) {
            return null;
        }
    }

    Tcp classify(Exception failure) {
        String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        if (failure instanceof SocketTimeoutException) {
            return message.contains("connect") ? Tcp.TIMED_OUT : Tcp.SILENT;
        }
        if (failure instanceof ConnectException) {
            return message.contains("refused") ? Tcp.REFUSED : message.contains("timed out") ? Tcp.TIMED_OUT
                    : Tcp.UNREACHABLE;
        }
        if (failure instanceof NoRouteToHostException) {
            return Tcp.UNREACHABLE;
        }
        if (failure instanceof UnknownHostException) {
            tcpProbing = false; // a name only the SSH configuration knows: poll over SSH instead
            return Tcp.NOT_PROBED;
        }
        if (failure instanceof SocketException) {
            return Tcp.CLOSED; // reset after the connect: a forwarder whose host refused
        }
        return Tcp.UNREACHABLE;
    }

    /** What a banner probe saw, and the connection the banner came on ({@link BannerProbes}). */
    record Banner(Tcp tcp, BannerConnection connection) {
    }

    /**
     * Whether a line starting with {@code SSH-} arrives before end of stream (RFC 4253 lets a server
     * send other lines first); times out through the socket's read timeout, checked against {@code until}.
     */
    private static boolean readsBanner(InputStream in, long until) throws IOException {
        byte[] start = new byte[4];
        int fill = 0;
        boolean lineStart = true;
        for (int total = 0; total < 8192; total++) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            if (lineStart || fill > 0) {
                start[fill++] = (byte) b;
                lineStart = false;
                if (fill == 4) {
                    if (new String(start, java.nio.charset.StandardCharsets.US_ASCII).equals("SSH-")) {
                        return true;
                    }
                    fill = 0;
                }
            }
            if (b == '\n') {
                lineStart = true;
                fill = 0;
            }
            if (System.nanoTime() - until > 0) {
                throw new SocketTimeoutException("no SSH banner in time");
            }
        }
        return false;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /**
     * One read: the boot when the command gave a well-formed one, else what was seen instead.
     *
     * @param reading the boot read
     * @param seen what was seen, for messages
     * @param answered whether the host answered at all (a connection and a command ran)
     */
    record Read(Optional<BootReading> reading, String seen, boolean answered) {

        static Read of(RemoteResult result) {
            Optional<BootReading> reading = BootReading.parse(result.exitCode(), result.stdout());
            return new Read(reading, reading.map(r -> "boot id [" + r.bootId() + "]")
                    .orElseGet(() -> "no boot id: exit [" + result.exitCode() + "], stdout ["
                            + BootReading.shorten(result.stdoutText()) + "], stderr ["
                            + BootReading.shorten(result.stderrText()) + "]"), true);
        }

        static Read failed(String message) {
            return new Read(Optional.empty(), String.valueOf(message), false);
        }
    }
}
