package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshException;
import io.junitmultihost.ssh.SshHost;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The reads a reboot state machine makes of one host: its boot over a fresh or the pooled
 * connection, and whether sshd accepts TCP connections. The session held on a boot is
 * {@link BootWatch}.
 */
final class BootProbe {

    /** How a TCP connect to the SSH port ended. */
    enum Tcp { ACCEPTING, REFUSED, TIMED_OUT, UNREACHABLE, NOT_PROBED }

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

    /** Tries a TCP connection to the SSH port within {@code timeout}; cheap, with no SSH handshake. */
    Tcp tcp(Duration timeout) {
        if (!tcpProbing) {
            return Tcp.NOT_PROBED;
        }
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ssh.target().host(), ssh.target().port()), millis);
            return Tcp.ACCEPTING;
        } catch (SocketTimeoutException e) {
            return Tcp.TIMED_OUT;
        } catch (ConnectException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            return message.contains("refused") ? Tcp.REFUSED : message.contains("timed out") ? Tcp.TIMED_OUT
                    : Tcp.UNREACHABLE;
        } catch (NoRouteToHostException e) {
            return Tcp.UNREACHABLE;
        } catch (UnknownHostException e) {
            tcpProbing = false; // a name only the SSH configuration knows: poll over SSH instead
            return Tcp.NOT_PROBED;
        } catch (IOException | IllegalArgumentException e) {
            return Tcp.UNREACHABLE;
        }
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
