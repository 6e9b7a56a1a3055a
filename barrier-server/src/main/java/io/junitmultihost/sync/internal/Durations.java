package io.junitmultihost.sync.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses and prints the durations of the HTTP API: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, ISO {@code PT30S}, or plain seconds. Internal. */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses a duration written as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, plain seconds or ISO-8601.
     *
     * @throws IllegalArgumentException with a sentence naming the text when it is not a duration or negative
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.startsWith("pt") || t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(t));
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException("Duration [" + text + "] is negative; give a positive one such as 30s.");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("Duration [" + text + "] is not one of 500ms, 30s, 2m, 1h or PT30S.");
        }
    }

    /** Prints a duration so that {@link #parse} reads it back exactly (milliseconds resolution). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
