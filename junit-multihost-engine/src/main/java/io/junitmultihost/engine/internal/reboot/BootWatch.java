package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteProcess;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.ShellQuote;
import io.junitmultihost.ssh.SshException;
import io.junitmultihost.ssh.SshHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session a reboot state machine holds on one host's boot (CoreOS kola's way of seeing a host
 * go down): it prints {@code boot <id>}, then sleeps while the boot id is still the one watched,
 * so the host going down cuts it. One session at a time; used by the machine's thread only.
 */
final class BootWatch {

    private static final Logger LOG = LoggerFactory.getLogger(BootWatch.class);
    /** How long the watching session may take to print the boot id it watches. */
    private static final Duration START = Duration.ofSeconds(10);

    private final String host;
    private final SshHost ssh;
    private final Consumer<String> seen;
    private RemoteProcess session;

    /** @param seen where what was seen goes, for messages (a session that could not start) */
    BootWatch(String host, SshHost ssh, Consumer<String> seen) {
        this.host = host;
        this.ssh = ssh;
        this.seen = seen;
    }

    /**
     * Starts a session on the pooled connection that watches {@code bootId} for {@code hold},
     * ending the one before; when it cannot start, that is noted and nothing is watched. With
     * {@code bootId} null it watches whatever boot it prints: the boot the host is on, read by the
     * very session that watches it (one command fewer per reboot than a read of its own).
     */
    void start(String bootId, Duration hold) {
        stop();
        String seconds = String.format(Locale.ROOT, "%.1f", Math.max(0.1, hold.toMillis() / 1000.0));
        String script = "b=$(cat " + BootReading.BOOT_ID_PATH + ") || exit 97; echo \"boot $b\"; "
                + (bootId == null ? "exec sleep " + seconds
                        : "if [ \"$b\" = " + ShellQuote.quote(bootId) + " ]; then exec sleep " + seconds + "; fi");
        try {
            session = ssh.start(RemoteCommand.shell(script), hold.plusSeconds(15));
        } catch (SshException e) {
            session = null;
            seen.accept("the watching session could not start: " + e.getMessage());
        }
    }

    /** Whether a session runs now and printed that it watches {@code bootId}. */
    boolean watches(String bootId) {
        RemoteProcess running = session;
        return running != null && !running.isDone() && printedBoot(running).filter(bootId::equals).isPresent();
    }

    /** Whether a session runs now. */
    boolean isRunning() {
        return session != null && !session.isDone();
    }

    /** Whether the session ended (cut, or it slept its full time) and was not read yet. */
    boolean hasEnded() {
        return session != null && session.isDone();
    }

    /**
     * The boot id the session printed, waiting up to {@link #START} but not past {@code end};
     * empty when it printed none. {@code sleep} pauses between looks (and may throw to cancel).
     */
    Optional<String> awaitBoot(long end, LongConsumer sleep) {
        long until = Math.min(end, System.nanoTime() + START.toNanos());
        while (session != null) {
            Optional<String> boot = printedBoot(session);
            if (boot.isPresent() || session.isDone() || System.nanoTime() - until >= 0) {
                return boot;
            }
            sleep.accept(Duration.ofMillis(5).toNanos());
        }
        return Optional.empty();
    }

    /**
     * Waits up to {@code nanos} for the running session to end; false, without waiting, when no
     * session runs.
     */
    boolean awaitEnd(long nanos) {
        if (!isRunning() || nanos <= 0) {
            return false;
        }
        try {
            session.await(Duration.ofNanos(nanos));
        } catch (RuntimeException e) {
            // it ended; the caller reads how
        }
        return true;
    }

    /**
     * How the ended session ended, as a sign of going down: {@code what} was cut, or ended with an
     * exit code or on a boot other than {@code current}; null when it slept its full time on a boot
     * in {@code seenBoots}. The session is forgotten.
     */
    String endedHow(String what, Set<String> seenBoots, String current) {
        RemoteProcess ended = session;
        session = null;
        CompletableFuture<RemoteResult> result = ended.future();
        if (result.isCompletedExceptionally()) {
            String cause;
            try {
                result.join();
                cause = "ended";
            } catch (RuntimeException e) {
                cause = e.getCause() == null ? e.toString() : e.getCause().getMessage();
            }
            return what + " was cut (" + cause + ")";
        }
        RemoteResult r = result.getNow(null);
        Optional<String> printed = printedBoot(ended);
        if (r != null && r.exitCode() == 0 && printed.isPresent() && seenBoots.contains(printed.get())) {
            return null; // it slept its full time
        }
        return what + " ended with exit [" + (r == null ? "?" : r.exitCode()) + "]"
                + printed.filter(b -> !b.equals(current)).map(b -> " on boot [" + b + "]").orElse("");
    }

    /** Ends the session, if one runs. */
    void stop() {
        RemoteProcess running = session;
        session = null;
        if (running != null && !running.isDone()) {
            try {
                running.cancel();
            } catch (RuntimeException e) {
                LOG.debug("Host [{}]: ending the watching session failed: {}", host, e.toString());
            }
        }
    }

    /** The boot id a session printed so far, if it did. */
    private static Optional<String> printedBoot(RemoteProcess watch) {
        for (String line : new String(watch.stdoutSoFar(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("boot ")) {
                return Optional.of(line.substring(5).strip().toLowerCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }
}
