package io.junitmultihost.sync.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Parses and prints the durations of the HTTP API. The one duration rule of the project (README
 * "Durations"): digits and a unit in lower case, {@code 500ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, or ISO-8601 ({@code PT30S}); never negative, never a bare number. The SPI's
 * {@code ProviderConfig.parseDuration} applies the same rule to configuration keys (the API module
 * depends on nothing of ours, so it has its own copy; the engine's {@code DurationSyntaxTest} holds
 * both to one table) and {@code mh-sync} checks it in the shell. Internal.
 */
public final class Durations {

    /** How a duration is written, for the end of every refusal. */
    public static final String RULE = "write it as 500ms, 30s, 2m or 1h (units in lower case) or ISO-8601 PT30S";

    private Durations() {
    }

    /**
     * Parses a duration by the one rule.
     *
     * @throws IllegalArgumentException with a sentence naming the text and what is wrong with it
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text;
        Duration d;
        try {
            d = t.startsWith("P") || t.startsWith("p") ? Duration.parse(t) : withUnit(t);
        } catch (DateTimeParseException | ArithmeticException e) {
            d = null;
        }
        if (d == null) {
            throw new IllegalArgumentException("Duration [" + text + "] "
                    + (t.matches("-?[0-9]+") ? "has no unit" : "is not a duration")
                    + "; " + RULE + ".");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("Duration [" + text + "] is negative; " + RULE + ".");
        }
        return d;
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m} or {@code 1h} (an optional leading minus, refused later), else null. */
    private static Duration withUnit(String t) {
        int end = t.length();
        int start = t.startsWith("-") ? 1 : 0;
        int digits = start;
        while (digits < end && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == start || digits - start > 18) {
            return null;
        }
        long n = Long.parseLong(t.substring(0, digits));
        switch (t.substring(digits)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            default: return null;
        }
    }

    /** Prints a duration so that {@link #parse} reads it back exactly (milliseconds resolution). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
