package io.junitmultihost.api;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a {@link HostProcess} ended.
 *
 * @param reason why it ended
 * @param exitCode its exit code, when it has one: always for {@link Reason#EXITED} and {@link Reason#KILLED}
 *     unless KILL ended it; for {@link Reason#REBOOT} when the shutdown's signal was recorded
 * @param bootIdAtStart the host's boot id when it started
 * @param bootIdNow the host's boot id when the end was seen; differs from {@code bootIdAtStart}
 *     exactly when the reason is {@link Reason#REBOOT}; empty when the host could not be asked
 */
public record ProcessEnd(Reason reason, OptionalInt exitCode, String bootIdAtStart, Optional<String> bootIdNow) {

    /** Why a process ended. */
    public enum Reason {
        /** It exited by itself (or died of a signal it was not sent by the handle). */
        EXITED,
        /** The handle killed it ({@link HostProcess#kill()}, or its class ended). */
        KILLED,
        /** Its host rebooted: the boot id changed while it ran (or it died of a signal just before). */
        REBOOT,
        /** The connection it was attached to was lost and its fate is unknown; see the message. */
        CONNECTION_LOST
    }

    /** Checks the values. */
    public ProcessEnd {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(bootIdAtStart, "bootIdAtStart");
        Objects.requireNonNull(bootIdNow, "bootIdNow");
    }

    @Override
    public String toString() {
        return switch (reason) {
            case EXITED, KILLED -> reason.name().toLowerCase(java.util.Locale.ROOT)
                    + (exitCode.isPresent() ? " with exit code [" + exitCode.getAsInt() + "]" : "");
            case REBOOT -> "ended by a reboot of its host (boot id [" + bootIdAtStart + "] -> ["
                    + bootIdNow.orElse("?") + "])";
            case CONNECTION_LOST -> "lost with its connection (boot id at start [" + bootIdAtStart + "], now ["
                    + bootIdNow.orElse("unknown") + "])";
        };
    }
}
