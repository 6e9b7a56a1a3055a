package io.junitmultihost.spi;

import java.time.Duration;

/**
 * How messages write a duration: {@code 63 ms}, {@code 0.4 ms}, {@code 1.5 s}, {@code 2 min 5 s},
 * {@code 1 h 30 min}. One form everywhere, never {@code PT0.063802248S}.
 * For providers and the engine; ssh-transport and barrier-server keep a copy each, as the modules do
 * not depend on each other.
 */
public final class HumanDuration {

    private HumanDuration() {
    }

    /** The duration in the form above; null gives {@code "none"}. */
    public static String of(Duration duration) {
        if (duration == null) {
            return "none";
        }
        if (duration.isNegative()) {
            return "-" + of(duration.negated());
        }
        long nanos = duration.toNanos();
        if (nanos < 1_000_000) {
            return nanos == 0 ? "0 s" : decimals(nanos, 1_000_000) + " ms";
        }
        if (nanos < 1_000_000_000) {
            return Math.round(nanos / 1_000_000.0) + " ms";
        }
        long seconds = duration.getSeconds();
        if (seconds < 60) {
            return decimals(duration.toMillis(), 1000) + " s";
        }
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append(" h");
        }
        if (minutes > 0) {
            out.append(out.length() > 0 ? " " : "").append(minutes).append(" min");
        }
        if (rest > 0) {
            out.append(out.length() > 0 ? " " : "").append(rest).append(" s");
        }
        return out.toString();
    }

    /** {@code value / unit} with up to three decimals, trailing zeros dropped. */
    private static String decimals(long value, long unit) {
        long whole = value / unit;
        long fraction = Math.round((value % unit) * 1000.0 / unit);
        if (fraction == 1000) {
            return Long.toString(whole + 1);
        }
        if (fraction == 0) {
            return Long.toString(whole);
        }
        String digits = String.format(java.util.Locale.ROOT, "%03d", fraction);
        return whole + "." + digits.replaceAll("0+$", "");
    }
}
