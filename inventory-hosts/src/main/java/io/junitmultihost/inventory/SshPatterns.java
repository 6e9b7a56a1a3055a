package io.junitmultihost.inventory;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** OpenSSH's host patterns: {@code *} and {@code ?} wildcards, {@code !} negation, no case. */
final class SshPatterns {

    private SshPatterns() {
    }

    /** Whether {@code host} matches one of {@code patterns} and none of the negated ones. */
    static boolean matchesAny(String host, List<String> patterns) {
        boolean matched = false;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            if (matches(host, negated ? pattern.substring(1) : pattern)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    static boolean matches(String host, String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.matches(regex.toString(), host.toLowerCase(Locale.ROOT));
    }
}
