package io.junitmultihost.engine.internal.reboot;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.RebootAttempt;
import io.junitmultihost.api.RebootPreparation;
import io.junitmultihost.spi.HumanDuration;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.ShellQuote;
import io.junitmultihost.ssh.SshException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The prepare steps before one attempt: a new random magic for the kernel command line, put there
 * by the engine on hosts that name their next boot's command line file in
 * {@code $MULTIHOST_NEXT_CMDLINE}, or by the user's {@link RebootPreparation}, which then gets the
 * magic and is the one to put it in the boot loader.
 */
final class PrepareStep {

    /** The magic's key on the kernel command line. */
    static final String MAGIC_KEY = "multihost.magic=";

    private static final SecureRandom RANDOM = new SecureRandom();

    private PrepareStep() {
    }

    /** A new random magic word, such as {@code multihost.magic=3f9c...}. */
    static String newMagic() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return MAGIC_KEY + HexFormat.of().formatHex(bytes);
    }

    /**
     * Puts {@code magic} on the host's next kernel command line (replacing an earlier magic) through
     * {@code $MULTIHOST_NEXT_CMDLINE}; the base is the next command line already set, else the
     * running one.
     *
     * @throws MachineFailure when the host has no such file or writing it fails
     */
    static void putMagic(String host, BootProbe probe, String magic, Duration deadline) {
        String script = "f=${MULTIHOST_NEXT_CMDLINE:-}; [ -n \"$f\" ] || exit 3; "
                + "if [ -s \"$f\" ]; then line=$(cat \"$f\"); else line=$(cat /proc/cmdline); fi || exit 4; "
                + "line=$(printf '%s\\n' \"$line\" | sed 's/ *" + MAGIC_KEY.replace(".", "\\.") + "[^ ]*//g'); "
                + "printf '%s %s\\n' \"$line\" " + ShellQuote.quote(magic) + " > \"$f.multihost$$\" && mv -f \"$f.multihost$$\" \"$f\"";
        RemoteResult result;
        try {
            result = probe.exec(script, deadline);
        } catch (SshException e) {
            throw new MachineFailure("Host [" + host + "] could not be prepared: putting the magic [" + magic
                    + "] on its next kernel command line failed: " + e.getMessage());
        }
        if (result.exitCode() == 3) {
            throw MachineFailure.refusedByHost("Host [" + host + "] names no next-boot command line file in"
                    + " [$MULTIHOST_NEXT_CMDLINE], so the engine cannot put the magic [" + magic + "] on its kernel"
                    + " command line. Give RebootOptions a prepare step that puts attempt.magic() in the boot"
                    + " loader's entry.");
        }
        if (result.exitCode() != 0) {
            throw MachineFailure.refusedByHost("Host [" + host + "] could not write the magic [" + magic + "] to its next"
                    + " kernel command line: exit [" + result.exitCode() + "], stderr ["
                    + BootReading.shorten(result.stderrText()) + "].");
        }
    }

    /**
     * The user's steps of one state machine, each run within its deadline on a thread of its own, so
     * that a step that hangs fails the phase in time, and a cancel of the machine ends the wait at
     * once and interrupts the step.
     */
    static final class Running {

        /** How long an interrupted step may take to end (its commands' process groups are ended). */
        private static final Duration STEP_END = Duration.ofSeconds(15);

        private volatile boolean cancelled;
        private volatile CompletableFuture<Void> current;

        /**
         * Runs {@code step} for {@code attempt} within {@code deadline}.
         *
         * @throws MachineFailure when it fails or outlives the deadline
         * @throws CancellationException when {@link #cancel()} was called
         */
        void run(Host host, RebootPreparation step, RebootAttempt attempt, Duration deadline) {
            CompletableFuture<Void> run = new CompletableFuture<>();
            current = run;
            if (cancelled) {
                throw new CancellationException("cancelled before the prepare step started");
            }
            Thread thread = new Thread(() -> {
                try {
                    step.prepare(host, attempt);
                    run.complete(null);
                } catch (Throwable t) {
                    run.completeExceptionally(t);
                }
            }, "multihost-prepare-" + host.name());
            thread.setDaemon(true);
            thread.start();
            try {
                run.get(Math.max(1, deadline.toNanos()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw new MachineFailure("The prepare step failed on host [" + host.name() + "] (attempt ["
                        + attempt.number() + "]): " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            } catch (TimeoutException e) {
                thread.interrupt();
                throw new MachineFailure("The prepare step on host [" + host.name() + "] did not finish within ["
                        + HumanDuration.of(deadline) + "] (phase [PREPARING]); it was interrupted. Raise the prepare timeout of"
                        + " RebootOptions or make the step faster.");
            } catch (CancellationException e) {
                thread.interrupt();
                awaitEnd(thread);
                throw e;
            } catch (InterruptedException e) {
                thread.interrupt();
                Thread.currentThread().interrupt();
                throw new MachineFailure("Waiting for the prepare step on host [" + host.name() + "] was interrupted.");
            }
        }

        /** Ends the wait for the running step (if any) and refuses to start another. */
        void cancel() {
            cancelled = true;
            CompletableFuture<Void> running = current;
            if (running != null) {
                running.cancel(false);
            }
        }

        private static void awaitEnd(Thread thread) {
            try {
                thread.join(STEP_END.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
