package io.junitmultihost.spi;

import io.junitmultihost.api.ConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The run's configuration parameters ({@code multihost.*} keys from junit-platform.properties or
 * {@code -D}) as a provider sees them. Durations are ISO-8601 ({@code PT30S}) or a number with a
 * unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}.
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
     * Parses {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT30S}).
     *
     * @param key named in the error message
     */
    public static Duration parseDuration(String key, String text) {
        String v = text.strip();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).strip()));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1).strip());
            switch (v.charAt(v.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // fall through to the error below
        }
        throw new ConfigurationException("Configuration parameter [" + key + "] must be a duration such as 500ms, 30s, 5m or PT30S, was [" + text + "].");
    }
}
