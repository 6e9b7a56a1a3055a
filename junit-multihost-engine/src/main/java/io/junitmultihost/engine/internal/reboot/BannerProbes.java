package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.ssh.BannerConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The banner probes of a host that is down, waiting for its sshd: one connection at a time while
 * connections are refused (a host reached directly), several overlapping once one was accepted
 * and then closed without a banner or stayed silent for {@link #SLOW_BANNER} (a forwarder, such as
 * QEMU's user network, that accepts for a host not up yet and holds the connection until its own
 * retry to the guest): a new connection every {@link #SPACING} then ({@link #CLOSED_SPACING} while
 * the forwarder closes them at once), so that sshd starting is seen within that, not after a
 * silent connection's whole banner wait (or a gap while every waiting connection still had time
 * left); further apart, up to {@link #MAX_SPACING}, while they all stay
 * silent, so that a host that takes long to boot is not buried in connections when its sshd
 * starts. One accepted connection is kept beside them for longer, the patient one: on a machine
 * starved of CPU (an emulated guest on a loaded host) sshd may take more than a probe's wait to
 * send its banner, and probes that all gave up before it would never see the host come up. A
 * connection that most likely reached sshd waits alone ({@link #SUCCESSOR}). The connection the
 * banner arrives on is handed on for the handshake. Used by the machine's thread only.
 */
final class BannerProbes implements AutoCloseable {

    /**
     * Between overlapping connections; at most {@link #MAX_OPEN} wait at once, the oldest closed to
     * make room, so each waits {@code MAX_OPEN * SPACING} for its banner then. Few: QEMU's user
     * network keeps trying a closed connection's SYN towards the guest, and each that reaches the
     * guest's sshd once it listens costs it a process (measured: 10 a second made the handshake
     * that followed up to 1.4 s on an emulated guest, 4 a second kept it at 0.3-0.4 s).
     */
    static final Duration SPACING = Duration.ofMillis(250);
    /**
     * The spacing grows by half with each overlapping connection up to this while connections stay
     * silent, and drops to {@link #CLOSED_SPACING} when one is closed without a banner. A silent
     * connection is one the forwarder still tries to deliver: QEMU's user network retries its SYN
     * for up to 75 s even after the probe closed it, and each that lands once sshd listens costs the
     * guest an sshd process. Four a second over an emulated guest's whole boot left it, on a loaded
     * machine, serving dozens of such connections at once, slower than new probes came: sshd never
     * sent a banner in time again. A close without a banner means the host's network is up and its
     * sshd not yet listening, so fast probing pays again then (and such a connection is gone).
     */
    static final Duration MAX_SPACING = Duration.ofSeconds(2);
    /**
     * Between connections while the forwarder closes them without a banner (the host refuses): such
     * a connection is gone at once and cost the host one reset, so probing as often as a host
     * reached directly is retried (100 ms) sees its sshd starting as soon, where every 250 ms added
     * a median 125 ms to an emulated guest's coming up.
     */
    static final Duration CLOSED_SPACING = Duration.ofMillis(100);
    /**
     * A connection started this soon after one was closed without a banner is the host's next
     * answer: while the host refused (its network up, sshd not yet listening) every connection was
     * closed within milliseconds, so one that now stays silent most likely reached sshd, which is
     * slow to answer (an emulated guest forking and loading sshd). It waits alone, up to the patient
     * time: each further connection would be one more sshd for that host to start before it answers.
     */
    static final Duration SUCCESSOR = Duration.ofSeconds(1);
    static final int MAX_OPEN = 4;
    /** An accepted connection without a banner for this long is joined by others. */
    static final Duration SLOW_BANNER = Duration.ofMillis(500);
    private static final int MAX_BANNER_BYTES = 8192;

    private final InetSocketAddress address;
    private final long connectNanos;
    private final long bannerNanos;
    private final long patientNanos;
    private final Function<Exception, BootProbe.Tcp> classify;
    private final Selector selector;
    private final List<Attempt> open = new ArrayList<>();
    private boolean overlap;
    private long spacingNanos = SPACING.toNanos();
    private long lastStarted = System.nanoTime() - MAX_SPACING.toNanos();
    /** Whether a connection was closed without a banner yet, and when last (System.nanoTime()). */
    private boolean closedOnce;
    private long closedAt;
    /** A banner came on one of these probes: sshd listens, and later connections wait for it alone. */
    private boolean bannerSeen;

    BannerProbes(InetSocketAddress address, Duration connect, Duration banner, Duration patient,
            Function<Exception, BootProbe.Tcp> classify) throws IOException {
        this.address = address;
        this.connectNanos = connect.toNanos();
        this.bannerNanos = banner.toNanos();
        this.patientNanos = patient.toNanos();
        this.classify = classify;
        this.selector = Selector.open();
    }

    /** Whether connections still wait for a banner. */
    boolean waiting() {
        return !open.isEmpty();
    }

    /**
     * Probes until {@code until} (System.nanoTime()) at most: {@code ACCEPTING} with the connection
     * once a banner came; {@code REFUSED}, {@code CLOSED}, ... as soon as a connection ended so;
     * {@code SILENT} or {@code TIMED_OUT} when the last waiting connection gave up; {@code PENDING}
     * when connections still wait at {@code until}.
     */
    BootProbe.Banner next(long until) {
        while (true) {
            long now = System.nanoTime();
            BootProbe.Tcp expired = expire(now);
            if (expired != null && open.isEmpty()) {
                return new BootProbe.Banner(expired, null);
            }
            // a connection waiting alone for sshd: no others beside it, until it ends
            boolean alone = open.stream().anyMatch(a -> a.alone);
            boolean overlapNow = !alone && overlaps(now);
            // overlapping connections keep their spacing even when none is open: each may still land on sshd
            boolean due = now - lastStarted >= spacingNanos;
            if (overlapNow && due && rolling() >= MAX_OPEN) {
                // a rolling window: the oldest silent connection makes room for a new one
                Attempt oldest = open.stream().filter(a -> !a.patient).findFirst().orElseThrow();
                if (!keptAsPatient(oldest)) {
                    end(oldest);
                }
            }
            if (overlapNow ? due && rolling() < MAX_OPEN : open.isEmpty()) {
                if (overlapNow) {
                    spacingNanos = Math.min(spacingNanos * 3 / 2, MAX_SPACING.toNanos());
                }
                lastStarted = now;
                BootProbe.Tcp failed = start(now);
                if (failed != null) {
                    return new BootProbe.Banner(failed, null);
                }
            }
            long wake = until;
            for (Attempt a : open) {
                wake = Math.min(wake, a.expires());
            }
            if (overlapNow) {
                wake = Math.min(wake, lastStarted + spacingNanos);
            } else if (!alone && rolling() < MAX_OPEN) {
                for (Attempt a : open) {
                    if (a.connected != 0) {
                        wake = Math.min(wake, a.connected + SLOW_BANNER.toNanos());
                    }
                }
            }
            long millis = Math.max(1, (wake - System.nanoTime() + 999_999) / 1_000_000);
            try {
                selector.select(millis);
            } catch (IOException e) {
                return new BootProbe.Banner(classify.apply(e), null);
            }
            for (SelectionKey key : selector.selectedKeys()) {
                BootProbe.Banner result = ready((Attempt) key.attachment());
                if (result != null) {
                    selector.selectedKeys().clear();
                    return result;
                }
            }
            selector.selectedKeys().clear();
            if (System.nanoTime() - until >= 0) {
                return new BootProbe.Banner(BootProbe.Tcp.PENDING, null);
            }
        }
    }

    /** The connections waiting in the rolling window: all but the patient one. */
    private int rolling() {
        return (int) open.stream().filter(a -> !a.patient).count();
    }

    /**
     * Keeps {@code attempt}, accepted and silent, as the patient connection (waiting for its banner
     * up to the patient time) when there is none yet; whether it did.
     */
    private boolean keptAsPatient(Attempt attempt) {
        if (attempt.connected == 0 || attempt.patient || patientNanos <= bannerNanos
                || open.stream().anyMatch(a -> a.patient)) {
            return false;
        }
        attempt.patient = true;
        return true;
    }

    /**
     * Whether to open connections beside the waiting ones: a forwarder was seen, or a connection was
     * accepted and has shown no banner for {@link #SLOW_BANNER} (sshd sends it at once).
     */
    private boolean overlaps(long now) {
        if (overlap) {
            return true;
        }
        for (Attempt a : open) {
            if (a.connected != 0 && now - a.connected >= SLOW_BANNER.toNanos()) {
                return true;
            }
        }
        return false;
    }

    private BootProbe.Tcp start(long now) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            Attempt attempt = new Attempt(channel, now);
            attempt.alone = bannerSeen || closedOnce && now - closedAt < SUCCESSOR.toNanos();
            attempt.patient = attempt.alone;
            if (channel.connect(address)) {
                attempt.connected = now;
                channel.register(selector, SelectionKey.OP_READ, attempt);
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, attempt);
            }
            open.add(attempt);
            return null;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            return failed(e instanceof Exception ? e : new IOException(e));
        }
    }

    /** What a connection that failed with {@code e} saw, noted for the probes that follow. */
    private BootProbe.Tcp failed(Exception e) {
        BootProbe.Tcp tcp = classify.apply(e);
        if (tcp == BootProbe.Tcp.CLOSED) {
            overlap = true;
            closed();
        } else if (tcp == BootProbe.Tcp.REFUSED) {
            // Nothing listens for the host now (a forwarder restarting with its VM): a connection
            // that stays silent after this reached no sshd, so it does not wait alone.
            closedOnce = false;
        }
        return tcp;
    }

    /** What a ready connection shows: null while it still waits. */
    private BootProbe.Banner ready(Attempt attempt) {
        try {
            if (attempt.connected == 0) {
                attempt.channel.finishConnect();
                attempt.connected = System.nanoTime();
                attempt.channel.register(selector, SelectionKey.OP_READ, attempt);
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate(512);
            int n = attempt.channel.read(buffer);
            if (n < 0) {
                end(attempt);
                overlap = true; // accepted, then closed without a banner: something forwards for the host
                closed();
                return new BootProbe.Banner(BootProbe.Tcp.CLOSED, null);
            }
            attempt.read.write(buffer.array(), 0, n);
            if (hasBannerLine(attempt.read.toByteArray())) {
                return handOn(attempt);
            }
            if (attempt.read.size() > MAX_BANNER_BYTES) {
                end(attempt);
                return new BootProbe.Banner(BootProbe.Tcp.CLOSED, null);
            }
            return null;
        } catch (IOException e) {
            end(attempt);
            return new BootProbe.Banner(failed(e), null);
        }
    }

    /** A connection was closed without a banner: the host's network is up, its sshd not yet listening. */
    private void closed() {
        spacingNanos = CLOSED_SPACING.toNanos();
        closedOnce = true;
        closedAt = System.nanoTime();
    }

    private BootProbe.Banner handOn(Attempt attempt) throws IOException {
        bannerSeen = true;
        open.remove(attempt);
        for (Attempt other : List.copyOf(open)) {
            end(other); // else sshd serves it too, beside the handshake that matters
        }
        attempt.channel.keyFor(selector).cancel();
        selector.selectNow(); // deregisters, so that the channel can block again
        attempt.channel.configureBlocking(true);
        return new BootProbe.Banner(BootProbe.Tcp.ACCEPTING,
                new BannerConnection(attempt.channel.socket(), attempt.read.toByteArray()));
    }

    /** Ends connections that outwaited their connect or banner time; what the last of them saw, or null. */
    private BootProbe.Tcp expire(long now) {
        BootProbe.Tcp seen = null;
        for (Attempt a : List.copyOf(open)) {
            if (now - a.expires() >= 0 && !keptAsPatient(a)) {
                end(a);
                seen = a.connected == 0 ? BootProbe.Tcp.TIMED_OUT : BootProbe.Tcp.SILENT;
                if (seen == BootProbe.Tcp.SILENT) {
                    overlap = true; // accepted, and no banner in the whole wait
                }
            }
        }
        return seen;
    }

    private void end(Attempt attempt) {
        open.remove(attempt);
        closeQuietly(attempt.channel);
    }

    /** Whether a line starting with {@code SSH-} arrived (RFC 4253 lets a server send other lines first). */
    static boolean hasBannerLine(byte[] read) {
        String text = new String(read, StandardCharsets.ISO_8859_1);
        return text.startsWith("SSH-") || text.contains("\nSSH-");
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // a probe's connection
            }
        }
    }

    @Override
    public void close() {
        for (Attempt a : List.copyOf(open)) {
            end(a);
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    private final class Attempt {
        final SocketChannel channel;
        final long started;
        final ByteArrayOutputStream read = new ByteArrayOutputStream(64);
        long connected;
        /** Waits for its banner up to the patient time rather than the banner time. */
        boolean patient;
        /** Waits with no other connection started beside it ({@link #SUCCESSOR}, or sshd seen listening). */
        boolean alone;

        Attempt(SocketChannel channel, long started) {
            this.channel = channel;
            this.started = started;
        }

        long expires() {
            return connected == 0 ? started + connectNanos : connected + (patient ? patientNanos : bannerNanos);
        }
    }
}
