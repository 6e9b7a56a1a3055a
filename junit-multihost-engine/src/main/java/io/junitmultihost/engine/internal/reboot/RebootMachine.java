package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.RebootAttempt;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.engine.internal.events.HostEvents;
import io.junitmultihost.spi.HumanDuration;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.ShellQuote;
import io.junitmultihost.ssh.SshConnectException;
import io.junitmultihost.ssh.SshException;
import io.junitmultihost.ssh.SshSessionLostException;
import io.junitmultihost.ssh.SshTimeoutException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's reboot state machine, run on a thread of its own: {@code PREPARING -> REQUESTED ->
 * DOWN -> UP -> VERIFIED -> READY}, back to {@code PREPARING} (or {@code REQUESTED}) for a wrong
 * kernel or magic, back to {@code DOWN} for a reboot during the stability period, and
 * {@code FAILED} when a phase outlives its deadline or retries run out. No boot the machine has
 * seen before ever counts as up. Cancelled, it ends in {@code CANCELLED} at its next step; cancelled
 * because its class ended, it first brings a host it asked to reboot back up.
 */
final class RebootMachine implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RebootMachine.class);

    /**
     * How often a fresh connection (a full SSH handshake) checks a host that should be going down:
     * often when no session watches the old boot, rarely when one does (its cut is the sign).
     */
    private static final long DOWN_READ_NANOS = Duration.ofSeconds(2).toNanos();
    private static final long DOWN_READ_WATCHED_NANOS = Duration.ofSeconds(6).toNanos();
    /** How often the SSH banner is probed while a host should be going down: no handshake, next to no CPU. */
    private static final long DOWN_BANNER_NANOS = Duration.ofSeconds(1).toNanos();
    /** Banner probes in a row without a banner that count as down when none was refused outright. */
    private static final int SILENT_PROBES_FOR_DOWN = 2;
    /** One TCP connect attempt while waiting for sshd: short, so that a dropped SYN is retried soon. */
    private static final Duration TCP_ATTEMPT = Duration.ofMillis(250);
    /**
     * How long an accepted connection may take to show sshd's banner: sshd sends it at once, so more
     * means a forwarder whose host does not answer (or a machine starved of CPU).
     */
    private static final Duration BANNER_ATTEMPT = Duration.ofSeconds(1);
    /**
     * Backoff between polls for a new boot: from 25 ms, times 1.5, capped at 100 ms, so that sshd
     * accepting is noticed within about 100 ms, leaving the rest of 300 ms for the SSH handshake.
     * A refused TCP connect costs the host next to nothing.
     */
    private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(25).toNanos();
    private static final long MAX_PAUSE_NANOS = Duration.ofMillis(100).toNanos();
    /** Backoff while the old boot still answers: handshakes cost CPU, and the old boot is not going to turn new. */
    private static final long OLD_BOOT_PAUSE_NANOS = Duration.ofSeconds(1).toNanos();
    /** How long one call of the banner probes may wait before the machine looks for a cancel. */
    private static final long PROBE_SLICE_NANOS = Duration.ofMillis(200).toNanos();
    /** Less time than this left is not worth another try of the test command. */
    private static final long MIN_ATTEMPT_NANOS = Duration.ofMillis(50).toNanos();
    /** How much longer than the down timeout a session started while preparing watches the old boot. */
    private static final Duration WATCH_MARGIN = Duration.ofSeconds(2);
    /** How many extra boots during stability periods are borne before the host counts as flapping. */
    private static final int MAX_EXTRA_BOOTS = 5;

    private final Host host;
    private final BootProbe probe;
    private final RebootOptions options;
    private final RebootDefaults defaults;
    private final RebootProgress progress;
    private final HostEvents events;
    private final Set<String> seenBoots = new LinkedHashSet<>();
    private volatile boolean cancelled;
    private volatile String cancelReason = "cancelled by the caller";
    /** Cancelled as its class ended: a host that may be down is waited for until it is back up. */
    private volatile boolean bringBackUp;
    /** From asking for the reboot (or seeing the host go down) until a new boot answers. */
    private volatile boolean hostMayBeDown;
    private volatile long cancelledAt;
    /** When asking for the reboot began (0: not yet); whether the host answered; why it could not be reached. */
    private volatile long askStartedNanos;
    private volatile long requestedNanos;
    private volatile boolean askAnswered;
    private volatile String askUnreachable;
    private final PrepareStep.Running userStep = new PrepareStep.Running();
    private String current;
    private final BootWatch watch;
    private String back = "";

    RebootMachine(Host host, BootProbe probe, RebootOptions options, RebootDefaults defaults, RebootProgress progress,
            HostEvents events) {
        this.host = host;
        this.probe = probe;
        this.options = options;
        this.defaults = defaults;
        this.progress = progress;
        this.events = events;
        this.watch = new BootWatch(host.name(), probe.ssh(), progress::seen);
    }

    /** Asks the machine to stop; it ends in CANCELLED at its next step. */
    void cancel(String reason) {
        cancelReason = reason;
        cancelled = true;
        userStep.cancel();
        progress.wake();
    }

    /**
     * Asks the machine to stop because its class ended: at once when nothing was asked of the host
     * yet; else once the host is back up on a new boot (or its phase deadline passed), so that the
     * next class does not get a host that goes down under it. A host asked but not seen going down
     * is waited for at most a connect timeout more: a reboot command that did nothing must not hold
     * the class's end for the whole down timeout.
     */
    /** Whether the caller cancelled and the machine is ending in CANCELLED (not kept to bring a host back up). */
    boolean endingCancelled() {
        return cancelled && !bringBackUp;
    }

    /**
     * Why the host was not seen going down, for a message about phase REQUESTED: it could not be
     * reached to ask, has not answered the ask yet, or answered and did not go down.
     */
    String notSeenDown() {
        if (askUnreachable != null) {
            return "The host could not be reached to ask for the reboot (" + askUnreachable + "): check the host and"
                    + " the link to it.";
        }
        long started = askStartedNanos;
        if (started != 0 && !askAnswered) {
            return "The host has not answered the request to reboot for [" + seconds(Duration.ofNanos(System.nanoTime()
                    - started)) + "]: it may be unreachable (a cut link, a hung host).";
        }
        long requested = requestedNanos;
        if (started == 0 && requested != 0 && options.sendsCommand()) {
            return "The reboot command was not sent yet: the host has not answered for [" + seconds(Duration.ofNanos(
                    System.nanoTime() - requested)) + "] since the reboot was requested; it may be unreachable (a cut"
                    + " link, a hung host).";
        }
        return options.sendsCommand() ? "It was not seen going down: the reboot command may have failed or not be"
                + " permitted." : "It was not seen going down: the reboot expected on the host may not have started.";
    }

    void cancelAtClassEnd(String reason) {
        cancelledAt = System.nanoTime();
        bringBackUp = true;
        cancel(reason);
    }

    @Override
    public void run() {
        try {
            progress.enter(HostState.PREPARING, null, "reading the old boot id");
            for (int attempt = 1;; attempt++) {
                progress.attempt(attempt, options.maxRetries() + 1);
                String magic = options.magic() ? PrepareStep.newMagic() : null;
                prepare(attempt, magic);
                BootReading reading = request();
                reading = settle(reading);
                Optional<String> wrong = wrongBoot(reading, magic);
                if (wrong.isEmpty()) {
                    watch.stop();
                    progress.enter(HostState.VERIFIED, current, verified(reading, magic));
                    // the absence ends before READY is published, so that whoever sees READY sees it over
                    events.endAbsence(host.name(), HostState.READY);
                    progress.enter(HostState.READY, current, "rebooted in [" + seconds(progress.elapsed()) + "]"
                            + (attempt > 1 ? " after [" + attempt + "] attempts" : ""));
                    return;
                }
                if (attempt > options.maxRetries()) {
                    throw new MachineFailure("Host [" + host.name() + "] came back [" + attempt + "] time(s) but not as"
                            + " asked: " + wrong.get() + ". It is FAILED after [" + options.maxRetries() + "] retries;"
                            + " check the boot loader's entry and the prepare step.");
                }
                progress.rejected(attempt, "it came back with " + wrong.get());
                back = "came back with " + wrong.get() + "; retry [" + attempt + "] of [" + options.maxRetries() + "]";
                LOG.warn("Host [{}] {}.", host.name(), back);
            }
        } catch (MachineFailure e) {
            // a host that answered and refused took nothing down: its console tells of the boot before
            end(HostState.FAILED, e.getMessage() + (e.refusedByHost() ? "" : console()));
        } catch (Cancelled e) {
            end(HostState.CANCELLED, "Host [" + host.name() + "]: the reboot was " + cancelReason + ".");
        } catch (RuntimeException e) {
            LOG.warn("The reboot of host [{}] failed unexpectedly.", host.name(), e);
            end(HostState.FAILED, "Host [" + host.name() + "]: the reboot failed unexpectedly: " + e + ".");
        } finally {
            progress.oldBootIdIfUnknown();
            watch.stop();
        }
    }

    /** What the host's console last printed, where its provider keeps one: a host that failed may not be askable. */
    private String console() {
        List<String> lines;
        try {
            lines = defaults.console().get();
        } catch (RuntimeException e) {
            return "";
        }
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(" Last lines of its console:");
        lines.forEach(line -> text.append("\n  ").append(line.length() > 200 ? line.substring(0, 200) + " ..." : line));
        return text.toString();
    }

    private void end(HostState how, String detail) {
        watch.stop();
        events.endAbsence(host.name(), how);
        progress.enter(how, current, detail);
    }

    // ---- PREPARING -----------------------------------------------------------------------

    private void prepare(int attempt, String magic) {
        boolean steps = magic != null || options.prepare().isPresent();
        if (attempt > 1) {
            if (!steps) {
                return;
            }
            progress.enter(HostState.PREPARING, current, back);
            back = "";
        }
        long end = System.nanoTime() + options.prepareTimeout().toNanos();
        if (attempt == 1) {
            Optional<String> watched = steps ? Optional.empty() : watchOldBoot(end);
            if (watched.isPresent()) {
                current = watched.get();
            } else {
                BootProbe.Read read = probe.readPooled(left(end, HostState.PREPARING, "read the old boot id"));
                if (read.reading().isEmpty()) {
                    throw new MachineFailure("Host [" + host.name() + "] gave no boot id before its reboot: " + read.seen()
                            + ". Check that the host is up and that /proc is mounted; nothing was rebooted.");
                }
                current = read.reading().get().bootId();
            }
            seenBoots.add(current);
            progress.oldBootId(current);
        }
        if (magic != null && options.prepare().isEmpty()) {
            PrepareStep.putMagic(host.name(), probe, magic, left(end, HostState.PREPARING, "put the magic in place"));
        }
        if (options.prepare().isPresent()) {
            checkCancelled();
            try {
                userStep.run(host, options.prepare().get(),
                        new RebootAttempt(attempt, Optional.ofNullable(magic), options.expectedKernelRelease()),
                        left(end, HostState.PREPARING, "run the prepare step"));
            } catch (CancellationException e) {
                checkCancelled();
                throw e;
            }
        }
    }

    /**
     * With nothing to prepare, the session that is to watch the old boot (see {@link #request})
     * starts now and reads it: one command on the host fewer per reboot. Empty when it gave no
     * well-formed boot id (then the boot is read on its own, as with prepare steps).
     */
    private Optional<String> watchOldBoot(long end) {
        watch.start(null, options.downTimeout().plus(WATCH_MARGIN));
        Optional<String> watched = watch.awaitBoot(end, this::sleep).filter(BootReading::isUuid);
        if (watched.isEmpty()) {
            watch.stop();
        }
        return watched;
    }

    // ---- REQUESTED -----------------------------------------------------------------------

    /** Asks for the reboot (or expects one), waits until the host is seen going down, then until it is up. */
    private BootReading request() {
        String command = options.command().orElse(defaults.command());
        String detail = options.sendsCommand() ? "asking with [" + command + "]" : "expecting a reboot made on the host";
        requestedNanos = System.nanoTime();
        askStartedNanos = 0;
        askAnswered = false;
        askUnreachable = null;
        progress.enter(HostState.REQUESTED, current, back.isEmpty() ? detail : back + "; " + detail);
        back = "";
        events.expectAbsence(host.name(), "reboot " + (options.sendsCommand() ? "requested" : "expected"));
        long end = System.nanoTime() + options.downTimeout().toNanos();
        if (!watch.watches(current)) {
            watch.start(current, Duration.ofNanos(end - System.nanoTime()).plusSeconds(1));
        }
        Optional<String> watched = watch.awaitBoot(end, this::sleep);
        Optional<String> already = watched.filter(b -> !seenBoots.contains(b));
        if (watched.isPresent() && already.isEmpty()) {
            progress.seen("still on the old boot [" + watched.get() + "]");
        }
        if (already.isPresent()) {
            hostMayBeDown = true;
            progress.enter(HostState.DOWN, current, "the boot id had already changed to [" + already.get()
                    + "] when the reboot was " + (options.sendsCommand() ? "about to be asked for" : "expected"));
            return awaitUp(Optional.empty());
        }
        if (options.sendsCommand()) {
            checkCancelled();
            hostMayBeDown = true;
            ask(command, end);
        }
        Optional<BootReading> early = awaitDown(end);
        hostMayBeDown = true;
        return awaitUp(early);
    }

    private void ask(String command, long end) {
        Duration deadline = min(left(end, HostState.REQUESTED, "ask for the reboot"), defaults.askTimeout());
        askStartedNanos = System.nanoTime();
        try {
            RemoteResult asked = probe.exec(RebootRequest.script(command), deadline);
            askAnswered = true;
            Optional<String> failed = RebootRequest.failure(asked);
            if (failed.isPresent()) {
                throw MachineFailure.refusedByHost("Host [" + host.name() + "]: the reboot command [" + command + "] failed at once: "
                        + failed.get() + ". Nothing was rebooted; give the host a reboot command it has and may run"
                        + " (RebootOptions.withCommand, multihost.reboot.command, or reboot_command in the inventory).");
            }
            // Above 128 the asking shell was killed by a signal: the host going down does that while it watches.
            if (asked.exitCode() != 0 && asked.exitCode() <= 128) {
                throw MachineFailure.refusedByHost("Host [" + host.name() + "] refused to start the reboot command [" + command
                        + "]: exit [" + asked.exitCode() + "], stderr [" + BootReading.shorten(asked.stderrText())
                        + "]. Check that the user may reboot the host.");
            }
        } catch (SshConnectException | SshTimeoutException e) {
            // not reached, or no answer to a command that returns at once: not the reboot taking the host down
            askUnreachable = e.getMessage();
            progress.seen("could not reach the host to ask for the reboot: " + e.getMessage());
        } catch (SshSessionLostException e) {
            if (e.getMessage() != null && e.getMessage().contains("did not run")) {
                askUnreachable = e.getMessage();
                progress.seen("could not reach the host to ask for the reboot: " + e.getMessage());
            } else {
                askAnswered = true; // the host dropped the connection before the call returned: expected
                LOG.debug("Host [{}] dropped the connection while asked to reboot, as expected: {}", host.name(),
                        e.getMessage());
            }
        } catch (SshException e) {
            askAnswered = true;
            LOG.debug("Host [{}] dropped the connection while asked to reboot, as expected: {}", host.name(), e.getMessage());
        }
    }

    /**
     * Waits until the host is seen going down: the watching session is cut, or a fresh connection
     * fails, or it reads a boot id never seen (the whole reboot happened between two looks).
     */
    private Optional<BootReading> awaitDown(long end) {
        long nextRead = System.nanoTime() + DOWN_READ_NANOS;
        long nextBanner = System.nanoTime() + DOWN_BANNER_NANOS;
        int silent = 0;
        while (true) {
            checkCancelled();
            if (bringBackUp && System.nanoTime() - cancelledAt > defaults.connectTimeout().toNanos()) {
                cancelReason += "; it was asked to reboot but not seen going down within [" + HumanDuration.of(defaults.connectTimeout())
                        + "] more, so it may still reboot";
                hostMayBeDown = false;
                checkCancelled();
            }
            if (watch.hasEnded()) {
                String how = watch.endedHow("the session waiting on the old boot", seenBoots, current);
                if (how != null) {
                    progress.enter(HostState.DOWN, current, how);
                    return Optional.empty();
                }
            }
            long now = System.nanoTime();
            if (now - nextBanner >= 0) {
                // Behind a forwarder the watching session may hang rather than be cut (a kernel that
                // died closes nothing): the banner, not a handshake, says the host is gone.
                BootProbe.Tcp tcp = probe.banner(min(TCP_ATTEMPT, Duration.ofNanos(Math.max(end - now, 1))),
                        min(BANNER_ATTEMPT, Duration.ofNanos(Math.max(end - now, 1))));
                if (tcp == BootProbe.Tcp.REFUSED || tcp == BootProbe.Tcp.UNREACHABLE) {
                    progress.enter(HostState.DOWN, current, "sshd no longer answers: " + describe(tcp));
                    return Optional.empty();
                }
                silent = tcp == BootProbe.Tcp.ACCEPTING || tcp == BootProbe.Tcp.NOT_PROBED ? 0 : silent + 1;
                if (silent >= SILENT_PROBES_FOR_DOWN) {
                    progress.enter(HostState.DOWN, current, "sshd no longer answers: " + describe(tcp) + ", ["
                            + silent + "] times in a row");
                    return Optional.empty();
                }
                // One probe without a banner is asked again at once: a second in a row means down.
                nextBanner = silent > 0 ? System.nanoTime() : System.nanoTime() + DOWN_BANNER_NANOS;
            }
            now = System.nanoTime();
            if (now - nextRead >= 0 && silent == 0) {
                BootProbe.Read read = probe.readFresh(min(Duration.ofNanos(Math.max(end - now, 1)), defaults.connectTimeout()));
                if (!read.answered()) {
                    progress.enter(HostState.DOWN, current, "connections fail: " + read.seen());
                    return Optional.empty();
                }
                if (read.reading().isPresent() && !seenBoots.contains(read.reading().get().bootId())) {
                    progress.enter(HostState.DOWN, current, "not seen going down, but a fresh connection read a new boot id");
                    return read.reading();
                }
                progress.seen(read.reading().map(r -> "still on the old boot [" + r.bootId() + "]").orElse(read.seen()));
                nextRead = System.nanoTime() + (watch.isRunning() ? DOWN_READ_WATCHED_NANOS : DOWN_READ_NANOS);
            }
            if (System.nanoTime() - end >= 0) {
                throw new MachineFailure("Host [" + host.name() + "] did not go down within [" + HumanDuration.of(options.downTimeout())
                        + "] after the reboot was " + (options.sendsCommand() ? "asked for" : "expected")
                        + ": " + attemptNote() + "phase [REQUESTED: waiting for the host to go down], last seen [" + lastSeen()
                        + "]. " + notSeenDown());
            }
            waitSlice(Math.min(Math.min(nextRead, nextBanner), end));
        }
    }

    // ---- DOWN ----------------------------------------------------------------------------

    /**
     * Polls until a boot id never seen before is read over a fresh connection: sshd's banner first
     * ({@link BannerProbes}: refused connections retried with a backoff capped at 100 ms, overlapping
     * ones behind a forwarder), then the SSH handshake over the connection the banner came on.
     */
    private BootReading awaitUp(Optional<BootReading> early) {
        if (early.isPresent()) {
            return up(early.get(), "read over a fresh connection", false);
        }
        long end = System.nanoTime() + options.upTimeout().toNanos();
        long pause = FIRST_PAUSE_NANOS;
        try (BannerProbes probes = probe.bannerProbes(TCP_ATTEMPT, BANNER_ATTEMPT, defaults.connectTimeout())) {
            while (true) {
                checkCancelled();
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new MachineFailure("Host [" + host.name() + "] did not come back with a new boot id within ["
                            + HumanDuration.of(options.upTimeout()) + "]: " + attemptNote()
                            + "phase [DOWN: waiting for a new boot id], last seen ["
                            + lastSeen() + "]; the old boot id was [" + progress.oldBootId() + "].");
                }
                BootProbe.Banner banner = probes == null ? new BootProbe.Banner(BootProbe.Tcp.NOT_PROBED, null)
                        : probes.next(System.nanoTime() + Math.min(left, PROBE_SLICE_NANOS));
                BootProbe.Tcp tcp = banner.tcp();
                if (tcp == BootProbe.Tcp.PENDING) {
                    continue; // connections still wait for a banner; look for a cancel, then go on waiting
                }
                if (tcp == BootProbe.Tcp.ACCEPTING || tcp == BootProbe.Tcp.NOT_PROBED) {
                    long accepted = System.nanoTime();
                    // The handshake goes on over the probe's connection: sshd answered there already.
                    BootProbe.Read read = probe.readFreshKeepingNewBoot(min(Duration.ofNanos(left),
                            defaults.connectTimeout().plusSeconds(5)), Set.copyOf(seenBoots), banner.connection());
                    if (read.reading().isPresent() && !seenBoots.contains(read.reading().get().bootId())) {
                        // That connection, on the new boot, is now the pooled one: no second handshake.
                        return up(read.reading().get(), "read over a fresh connection in ["
                                + (System.nanoTime() - accepted) / 1_000_000 + " ms] once sshd sent its banner", true);
                    }
                    boolean old = read.reading().isPresent();
                    progress.seen(old ? "the old boot [" + read.reading().get().bootId() + "] still answers" : read.seen());
                    if (old) {
                        upOnTheOldBoot();
                    }
                    sleep(Math.min(old ? OLD_BOOT_PAUSE_NANOS : pause, end - System.nanoTime()));
                } else {
                    progress.seen(describe(tcp));
                    if (tcp != BootProbe.Tcp.TIMED_OUT && tcp != BootProbe.Tcp.SILENT
                            && !(probes != null && probes.waiting())) {
                        sleep(Math.min(pause, end - System.nanoTime()));
                    }
                }
                pause = Math.min(pause * 3 / 2, MAX_PAUSE_NANOS);
            }
        }
    }

    /**
     * The host answers on its old boot while its class has ended: it is up, so there is nothing to
     * bring back up. What was taken for it going down was its session lost (sshd killed as the
     * reboot was asked for, whose ask may have died with it); the class stops waiting for a reboot
     * that may never come once the connect timeout has passed since it ended, as in the down wait.
     */
    private void upOnTheOldBoot() {
        if (bringBackUp && System.nanoTime() - cancelledAt > defaults.connectTimeout().toNanos()) {
            cancelReason += "; its host answered on its old boot [" + HumanDuration.of(defaults.connectTimeout())
                    + "] after that, so it is up (the reboot may still come)";
            hostMayBeDown = false;
            checkCancelled();
        }
    }

    private BootReading up(BootReading reading, String how, boolean pooledOnNewBoot) {
        hostMayBeDown = false;
        current = reading.bootId();
        seenBoots.add(current);
        progress.newBoot(current);
        if (!pooledOnNewBoot) {
            probe.ssh().disconnect(); // the pooled session belonged to the old boot
        }
        progress.enter(HostState.UP, current, "new boot id " + how);
        return reading;
    }

    // ---- UP: test command and stability ---------------------------------------------------

    private BootReading settle(BootReading first) {
        BootReading reading = first;
        int extraBoots = 0;
        long end = System.nanoTime() + options.verifyTimeout().plus(options.stableFor()).toNanos();
        while (true) {
            if (options.testCommand().isPresent()) {
                runTestCommand(options.testCommand().get(), end);
            }
            if (options.stableFor().isZero()) {
                return reading;
            }
            Stability stability = holdStable(end);
            if (stability.reading().isPresent() && stability.stable()) {
                return stability.reading().get();
            }
            extraBoots++;
            if (extraBoots > MAX_EXTRA_BOOTS) {
                throw new MachineFailure("Host [" + host.name() + "] kept rebooting: [" + extraBoots + "] boots did"
                        + " not stay up for [" + HumanDuration.of(options.stableFor()) + "]; last seen [" + stability.what() + "].");
            }
            LOG.warn("Host [{}] rebooted again during its stability period of [{}]: {}.", host.name(),
                    options.stableFor(), stability.what());
            progress.enter(HostState.DOWN, current, "rebooted again during the stability period of ["
                    + HumanDuration.of(options.stableFor()) + "]: " + stability.what());
            reading = awaitUp(stability.reading());
            end = System.nanoTime() + options.verifyTimeout().plus(options.stableFor()).toNanos();
        }
    }

    private void runTestCommand(String command, long end) {
        long pause = Duration.ofMillis(250).toNanos();
        while (true) {
            checkCancelled();
            long left = end - System.nanoTime();
            if (left < MIN_ATTEMPT_NANOS) {
                throw new MachineFailure("Host [" + host.name() + "] is back with boot id [" + current + "] but its"
                        + " test command [" + command + "] did not succeed within [" + HumanDuration.of(options.verifyTimeout())
                        + "]: phase [UP: checking the new boot], last seen [" + lastSeen() + "].");
            }
            try {
                RemoteResult result = probe.exec(command, min(Duration.ofNanos(left), Duration.ofSeconds(30)));
                if (result.exitCode() == 0) {
                    return;
                }
                progress.seen("test command [" + command + "] exited [" + result.exitCode() + "], stderr ["
                        + BootReading.shorten(result.stderrText()) + "]");
            } catch (SshException e) {
                progress.seen("test command [" + command + "]: " + e.getMessage());
            }
            sleep(Math.min(pause, end - System.nanoTime()));
            pause = Math.min(pause * 2, Duration.ofSeconds(1).toNanos());
        }
    }

    /**
     * Holds a session on the new boot for the stability period; then a fresh read must find the same
     * boot. A session cut early is confirmed with a fresh read before it counts as another reboot.
     */
    private Stability holdStable(long end) {
        long until = System.nanoTime() + options.stableFor().toNanos();
        while (true) {
            checkCancelled();
            long hold = until - System.nanoTime();
            String cut = null;
            if (hold > 0) {
                watch.start(current, Duration.ofNanos(hold));
                while (watch.isRunning() && System.nanoTime() - until < 0) {
                    waitSlice(until);
                }
                if (watch.hasEnded()) {
                    cut = watch.endedHow("the session held on the new boot", seenBoots, current);
                }
                watch.stop();
            }
            BootProbe.Read read = probe.readFresh(min(Duration.ofNanos(Math.max(end - System.nanoTime(), 1)),
                    defaults.connectTimeout().plusSeconds(5)));
            if (!read.answered()) {
                return new Stability(false, Optional.empty(), "connections fail: " + read.seen());
            }
            if (read.reading().isEmpty()) {
                progress.seen(read.seen());
            } else if (!read.reading().get().bootId().equals(current)) {
                return new Stability(false, read.reading(), "a fresh connection read the boot id ["
                        + read.reading().get().bootId() + "]");
            } else if (System.nanoTime() - until >= 0) {
                return new Stability(true, read.reading(), "stable");
            } else if (cut != null) {
                progress.seen(cut + ", but the boot is the same");
            }
            if (System.nanoTime() - end >= 0) {
                throw new MachineFailure("Host [" + host.name() + "] could not be checked for [" + options.stableFor()
                        + "] of stability within [" + HumanDuration.of(options.verifyTimeout()) + "]: phase [UP: checking the new boot],"
                        + " last seen [" + lastSeen() + "].");
            }
            sleep(Math.min(Duration.ofMillis(200).toNanos(), end - System.nanoTime()));
        }
    }

    /**
     * @param stable whether the boot stayed up for the whole period
     * @param reading the boot read at the end, if the host answered
     * @param what what was seen, for messages
     */
    private record Stability(boolean stable, Optional<BootReading> reading, String what) {
    }

    // ---- VERIFIED ------------------------------------------------------------------------

    private Optional<String> wrongBoot(BootReading reading, String magic) {
        StringBuilder wrong = new StringBuilder();
        if (options.expectedKernelRelease().isPresent() && !options.expectedKernelRelease().get().equals(reading.release())) {
            wrong.append("kernel release [").append(reading.release()).append("] where [")
                    .append(options.expectedKernelRelease().get()).append("] was expected");
        }
        if (magic != null && !reading.cmdlineHas(magic)) {
            wrong.append(wrong.length() == 0 ? "" : " and ").append("the kernel command line [")
                    .append(BootReading.shorten(reading.cmdline())).append("] without this boot's magic [").append(magic)
                    .append("]");
        }
        return wrong.length() == 0 ? Optional.empty() : Optional.of(wrong.toString());
    }

    private String verified(BootReading reading, String magic) {
        if (options.expectedKernelRelease().isEmpty() && magic == null) {
            return "kernel release [" + reading.release() + "]; nothing more was asked";
        }
        return "kernel release [" + reading.release() + "]" + (options.expectedKernelRelease().isPresent() ? " as expected" : "")
                + (magic == null ? "" : ", magic [" + magic + "] on the kernel command line");
    }

    // ---- time ----------------------------------------------------------------------------

    private Duration left(long end, HostState phase, String what) {
        long left = end - System.nanoTime();
        if (left <= 0) {
            throw new MachineFailure("Host [" + host.name() + "] ran out of time in phase [" + phase + "] before it"
                    + " could " + what + "; last seen [" + lastSeen() + "].");
        }
        return Duration.ofNanos(left);
    }

    /** Waits until {@code until} or a state change, at most 100 ms at a time, watching for a cancel. */
    private void waitSlice(long until) {
        long nanos = Math.min(until - System.nanoTime(), Duration.ofMillis(100).toNanos());
        if (!watch.awaitEnd(nanos)) {
            sleep(nanos);
        }
    }

    private void sleep(long nanos) {
        checkCancelled();
        try {
            progress.pause(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel("interrupted");
        }
        checkCancelled();
    }

    private void checkCancelled() {
        if (cancelled && !(bringBackUp && hostMayBeDown)) {
            throw new Cancelled();
        }
    }

    private static String describe(BootProbe.Tcp tcp) {
        return switch (tcp) {
            case REFUSED -> "connection refused: sshd is not listening";
            case TIMED_OUT -> "connection timed out: nothing answers";
            case CLOSED -> "connection accepted, then closed without an SSH banner (a forwarder whose host is down?)";
            case SILENT -> "connection accepted, but no SSH banner within [" + HumanDuration.of(BANNER_ATTEMPT)
                    + "] (a forwarder whose host does not answer?)";
            case ACCEPTING, NOT_PROBED -> "sshd answers";
            case PENDING -> "connections accepted, waiting for an SSH banner";
            default -> "host unreachable";
        };
    }

    /** {@code attempt [2] of [3]; attempt [1] was rejected: ...; } on a retry, else empty. */
    private String attemptNote() {
        String context = progress.attemptContext();
        return context.isEmpty() ? "" : context + "; ";
    }

    private String lastSeen() {
        String seen = progress.lastSeen();
        return seen.isEmpty() ? "nothing yet" : seen;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static String seconds(Duration d) {
        return HumanDuration.of(d);
    }

    /** Unwinds the machine after {@link #cancel}. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super(null, null, false, false);
        }
    }
}
