package io.junitmultihost.spi;

import io.junitmultihost.api.ConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The run's configuration parameters ({@code multihost.*} keys from junit-platform.properties or
 * {@code -D}) as a provider sees them. Durations follow the one rule of {@link #parseDuration}.
 */
public final class ProviderConfig {

    private final Map<String, String> values;

    /** @param values the parameters; copied */
    public ProviderConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The raw value of {@code key}, if set. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** The value of {@code key} as a string, or {@code defaultValue}. */
    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** The value of {@code key} as an int, or {@code defaultValue}; a clear error when not a number. */
    public int getInt(String key, int defaultValue) {
        return get(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ConfigurationException("Configuration parameter [" + key + "] must be a whole number, was [" + v + "].");
            }
        }).orElse(defaultValue);
    }

    /** The value of {@code key} as a boolean ({@code true}/{@code false}), or {@code defaultValue}. */
    public boolean getBoolean(String key, boolean defaultValue) {
        return get(key).map(v -> {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new ConfigurationException("Configuration parameter [" + key + "] must be true or false, was [" + v + "].");
            }
            return Boolean.parseBoolean(v);
        }).orElse(defaultValue);
    }

    /** The value of {@code key} as a duration, or {@code defaultValue}. */
    public Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(v -> parseDuration(key, v)).orElse(defaultValue);
    }

    /** All parameters, sorted by key. */
    public Map<String, String> asMap() {
        return new TreeMap<>(values);
    }

    /**
     * Parses a duration by the project's one rule (README "Durations"): digits and a unit in lower
     * case, {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT30S}); never
     * negative, never a bare number. The sync server reads its durations by the same rule.
     *
     * @param key named in the error message
     * @throws ConfigurationException naming the key, the value and what is wrong with it
     */
    public static Duration parseDuration(String key, String text) {
        String t = text == null ? "" : text;
        Duration d;
        try {
            d = t.startsWith("P") || t.startsWith("p") ? Duration.parse(t) : withUnit(t);
        } catch (DateTimeParseException | ArithmeticException e) {
            d = null;
        }
        String problem = d == null ? (t.matches("-?[0-9]+") ? "has no unit" : "is not a duration")
                : d.isNegative() ? "is negative" : null;
        if (problem != null) {
            throw new ConfigurationException("Configuration parameter [" + key + "] = [" + text + "] " + problem
                    + "; write it as 500ms, 30s, 2m or 1h (units in lower case) or ISO-8601 PT30S.");
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
}
