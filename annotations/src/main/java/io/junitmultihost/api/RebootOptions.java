package io.junitmultihost.api;

import io.junitmultihost.spi.HumanDuration;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a host is rebooted and what counts as "back": the command, a deadline per phase, an optional
 * test command, a stability period, the expected kernel release, a random magic on the kernel
 * command line, the retries allowed for a wrong kernel or magic, and a prepare step. Immutable;
 * start from {@link #defaults()} and use the {@code with}-ers, or {@link #builder()}.
 *
 * <pre>{@code
 * Reboot reboot = host.reboot(RebootOptions.defaults()
 *         .withMagic(true)                          // a new random magic must be in /proc/cmdline
 *         .withExpectedKernelRelease("6.1.0-18-amd64")
 *         .withStableFor(Duration.ofSeconds(30))    // catches the second reboot fsck may cause
 *         .withUpTimeout(Duration.ofMinutes(5)));
 * reboot.awaitUp(Duration.ofMinutes(10));
 * }</pre>
 *
 * <p>Phases and their deadlines: {@link HostState#PREPARING} ({@link #prepareTimeout()}: reading
 * the old boot id and the prepare steps), {@link HostState#REQUESTED} ({@link #downTimeout()}:
 * from asking until the host is seen going down), {@link HostState#DOWN} ({@link #upTimeout()}:
 * until a new boot id is read), {@link HostState#UP} ({@link #verifyTimeout()}: the test command,
 * the stability period on top, and the kernel and magic checks). Each retry starts the phases
 * afresh.
 */
public final class RebootOptions {

    /** The prepare phase's default deadline: {@value} minutes (installing a kernel takes a while). */
    public static final int DEFAULT_PREPARE_MINUTES = 10;
    /** The default deadline for the host to be seen going down: {@value} minutes. */
    public static final int DEFAULT_DOWN_MINUTES = 2;
    /** The default deadline for the host to come back: {@value} minutes (Ansible's reboot_timeout). */
    public static final int DEFAULT_UP_MINUTES = 10;
    /** The default deadline of the checks once the host is back: {@value} minutes. */
    public static final int DEFAULT_VERIFY_MINUTES = 2;
    /** How often a wrong kernel or magic is retried by default: {@value}. */
    public static final int DEFAULT_MAX_RETRIES = 2;

    private static final RebootOptions DEFAULTS = builder().build();

    private final String command;
    private final boolean sendsCommand;
    private final Duration prepareTimeout;
    private final Duration downTimeout;
    private final Duration upTimeout;
    private final Duration verifyTimeout;
    private final String testCommand;
    private final Duration stableFor;
    private final String expectedKernelRelease;
    private final boolean magic;
    private final int maxRetries;
    private final RebootPreparation prepare;

    private RebootOptions(Builder b) {
        this.command = b.command;
        this.sendsCommand = b.sendsCommand;
        this.prepareTimeout = positive(b.prepareTimeout, "prepare timeout");
        this.downTimeout = positive(b.downTimeout, "down timeout");
        this.upTimeout = positive(b.upTimeout, "up timeout");
        this.verifyTimeout = positive(b.verifyTimeout, "verify timeout");
        this.testCommand = b.testCommand;
        Objects.requireNonNull(b.stableFor, "stableFor");
        if (b.stableFor.isNegative()) {
            throw new IllegalArgumentException("The stability period must not be negative, was [" + b.stableFor + "].");
        }
        this.stableFor = b.stableFor;
        this.expectedKernelRelease = b.expectedKernelRelease;
        this.magic = b.magic;
        if (b.maxRetries < 0) {
            throw new IllegalArgumentException("The retries for a wrong kernel must not be negative, was [" + b.maxRetries + "].");
        }
        this.maxRetries = b.maxRetries;
        this.prepare = b.prepare;
    }

    /** The defaults: the configured reboot command, no checks beyond a new boot id, the default deadlines. */
    public static RebootOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.command = command;
        b.sendsCommand = sendsCommand;
        b.prepareTimeout = prepareTimeout;
        b.downTimeout = downTimeout;
        b.upTimeout = upTimeout;
        b.verifyTimeout = verifyTimeout;
        b.testCommand = testCommand;
        b.stableFor = stableFor;
        b.expectedKernelRelease = expectedKernelRelease;
        b.magic = magic;
        b.maxRetries = maxRetries;
        b.prepare = prepare;
        return b;
    }

    /** The shell command that reboots the host; empty means the configured one ({@code multihost.reboot.command}). */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }

    /**
     * Whether the engine asks for the reboot (true unless {@link #withoutCommand()}); when false the
     * host is expected to reboot by itself or by a process of the test, and is only watched.
     */
    public boolean sendsCommand() {
        return sendsCommand;
    }

    /** The deadline of {@link HostState#PREPARING}. */
    public Duration prepareTimeout() {
        return prepareTimeout;
    }

    /** The deadline of {@link HostState#REQUESTED}: from asking until the host is seen going down. */
    public Duration downTimeout() {
        return downTimeout;
    }

    /** The deadline of {@link HostState#DOWN}: until a new boot id is read. */
    public Duration upTimeout() {
        return upTimeout;
    }

    /** The deadline of {@link HostState#UP}: test command and checks; the stability period comes on top. */
    public Duration verifyTimeout() {
        return verifyTimeout;
    }

    /** A shell command that must succeed once the host is back (Ansible's test_command), if any. */
    public Optional<String> testCommand() {
        return Optional.ofNullable(testCommand);
    }

    /** How long the host must stay up on the new boot; zero (the default) skips the check. */
    public Duration stableFor() {
        return stableFor;
    }

    /** The kernel release the new boot must run (uname(2)'s release field), if one is expected. */
    public Optional<String> expectedKernelRelease() {
        return Optional.ofNullable(expectedKernelRelease);
    }

    /**
     * Whether a new random magic must be on the new boot's kernel command line. The engine puts it
     * there itself on hosts that name a next-boot command line file in {@code $MULTIHOST_NEXT_CMDLINE}
     * (embedded and lab hosts); elsewhere a {@link #prepare()} step must put it in the boot loader.
     */
    public boolean magic() {
        return magic;
    }

    /** How often a host that came back on the wrong kernel or without the magic is rebooted again. */
    public int maxRetries() {
        return maxRetries;
    }

    /** The step run before each attempt, if any. */
    public Optional<RebootPreparation> prepare() {
        return Optional.ofNullable(prepare);
    }

    /** With {@code command} as the reboot command (run detached by {@code sh}). */
    public RebootOptions withCommand(String command) {
        return toBuilder().command(command).build();
    }

    /** Without a reboot command: the host reboots by itself or by a process of the test; the engine only watches. */
    public RebootOptions withoutCommand() {
        return toBuilder().withoutCommand().build();
    }

    /** With the deadline of {@link HostState#PREPARING}. */
    public RebootOptions withPrepareTimeout(Duration timeout) {
        return toBuilder().prepareTimeout(timeout).build();
    }

    /** With the deadline of {@link HostState#REQUESTED}. */
    public RebootOptions withDownTimeout(Duration timeout) {
        return toBuilder().downTimeout(timeout).build();
    }

    /** With the deadline of {@link HostState#DOWN}. */
    public RebootOptions withUpTimeout(Duration timeout) {
        return toBuilder().upTimeout(timeout).build();
    }

    /** With the deadline of {@link HostState#UP}. */
    public RebootOptions withVerifyTimeout(Duration timeout) {
        return toBuilder().verifyTimeout(timeout).build();
    }

    /** With a shell command that must succeed once the host is back. */
    public RebootOptions withTestCommand(String command) {
        return toBuilder().testCommand(command).build();
    }

    /** With a stability period: the host must stay on the new boot this long. */
    public RebootOptions withStableFor(Duration period) {
        return toBuilder().stableFor(period).build();
    }

    /** With the kernel release the new boot must run. */
    public RebootOptions withExpectedKernelRelease(String release) {
        return toBuilder().expectedKernelRelease(release).build();
    }

    /** With or without a random magic on the kernel command line. */
    public RebootOptions withMagic(boolean magic) {
        return toBuilder().magic(magic).build();
    }

    /** With at most {@code retries} reboots again after a wrong kernel or magic. */
    public RebootOptions withMaxRetries(int retries) {
        return toBuilder().maxRetries(retries).build();
    }

    /** With a step run before each attempt. */
    public RebootOptions withPrepare(RebootPreparation prepare) {
        return toBuilder().prepare(prepare).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RebootOptions r && Objects.equals(command, r.command) && sendsCommand == r.sendsCommand
                && prepareTimeout.equals(r.prepareTimeout) && downTimeout.equals(r.downTimeout)
                && upTimeout.equals(r.upTimeout) && verifyTimeout.equals(r.verifyTimeout)
                && Objects.equals(testCommand, r.testCommand) && stableFor.equals(r.stableFor)
                && Objects.equals(expectedKernelRelease, r.expectedKernelRelease) && magic == r.magic
                && maxRetries == r.maxRetries && Objects.equals(prepare, r.prepare);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, sendsCommand, prepareTimeout, downTimeout, upTimeout, verifyTimeout, testCommand,
                stableFor, expectedKernelRelease, magic, maxRetries, prepare);
    }

    @Override
    public String toString() {
        return "RebootOptions[command=" + (sendsCommand ? (command == null ? "(configured)" : command) : "(none: expected)")
                + ", prepare=" + prepareTimeout + ", down=" + downTimeout + ", up=" + upTimeout + ", verify="
                + verifyTimeout + (testCommand == null ? "" : ", test=" + testCommand)
                + (stableFor.isZero() ? "" : ", stableFor=" + stableFor)
                + (expectedKernelRelease == null ? "" : ", kernel=" + expectedKernelRelease)
                + (magic ? ", magic" : "") + ", maxRetries=" + maxRetries + (prepare == null ? "" : ", with prepare step")
                + "]";
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("The " + what + " must be positive, was [" + HumanDuration.of(d) + "].");
        }
        return d;
    }

    /** Builds {@link RebootOptions}; starts from the defaults. */
    public static final class Builder {
        private String command;
        private boolean sendsCommand = true;
        private Duration prepareTimeout = Duration.ofMinutes(DEFAULT_PREPARE_MINUTES);
        private Duration downTimeout = Duration.ofMinutes(DEFAULT_DOWN_MINUTES);
        private Duration upTimeout = Duration.ofMinutes(DEFAULT_UP_MINUTES);
        private Duration verifyTimeout = Duration.ofMinutes(DEFAULT_VERIFY_MINUTES);
        private String testCommand;
        private Duration stableFor = Duration.ZERO;
        private String expectedKernelRelease;
        private boolean magic;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private RebootPreparation prepare;

        private Builder() {
        }

        /** The reboot command; null for the configured one. */
        public Builder command(String command) {
            if (command != null && command.isBlank()) {
                throw new IllegalArgumentException("A reboot command must not be blank; use withoutCommand() to send none.");
            }
            this.command = command;
            this.sendsCommand = true;
            return this;
        }

        /** Sends no command: the host reboots by itself or by a process of the test. */
        public Builder withoutCommand() {
            this.command = null;
            this.sendsCommand = false;
            return this;
        }

        /** The deadline of {@link HostState#PREPARING}. */
        public Builder prepareTimeout(Duration timeout) {
            this.prepareTimeout = timeout;
            return this;
        }

        /** The deadline of {@link HostState#REQUESTED}. */
        public Builder downTimeout(Duration timeout) {
            this.downTimeout = timeout;
            return this;
        }

        /** The deadline of {@link HostState#DOWN}. */
        public Builder upTimeout(Duration timeout) {
            this.upTimeout = timeout;
            return this;
        }

        /** The deadline of {@link HostState#UP}. */
        public Builder verifyTimeout(Duration timeout) {
            this.verifyTimeout = timeout;
            return this;
        }

        /** A test command; null for none. */
        public Builder testCommand(String command) {
            this.testCommand = command == null || command.isBlank() ? null : command;
            return this;
        }

        /** The stability period; zero for none. */
        public Builder stableFor(Duration period) {
            this.stableFor = period;
            return this;
        }

        /** The expected kernel release; null for any. */
        public Builder expectedKernelRelease(String release) {
            this.expectedKernelRelease = release == null || release.isBlank() ? null : release.strip();
            return this;
        }

        /** Whether a random magic must be on the kernel command line. */
        public Builder magic(boolean magic) {
            this.magic = magic;
            return this;
        }

        /** Retries after a wrong kernel or magic. */
        public Builder maxRetries(int retries) {
            this.maxRetries = retries;
            return this;
        }

        /** The prepare step; null for none. */
        public Builder prepare(RebootPreparation prepare) {
            this.prepare = prepare;
            return this;
        }

        /** The options; an {@link IllegalArgumentException} naming a bad value. */
        public RebootOptions build() {
            return new RebootOptions(this);
        }
    }
}
