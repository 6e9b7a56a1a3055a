package io.junitmultihost.inventory;

import java.util.Map;
import java.util.TreeMap;

/**
 * Expands OpenSSH's {@code %} tokens and {@code ${VAR}} environment references in ssh_config
 * values such as {@code IdentityFile ~/.ssh/%h/id_ed25519}.
 */
final class SshTokens {

    private SshTokens() {
    }

    /**
     * @param tokens the values of the supported tokens, by letter
     * @param what the keyword, named in errors
     */
    static String expand(String text, Map<Character, String> tokens, Origin origin, String what) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 1 >= text.length()) {
                    throw origin.error("[" + what + "] ends with a lone [%]; write [%%] for a percent sign.");
                }
                char t = text.charAt(++i);
                if (t == '%') {
                    out.append('%');
                } else if (tokens.containsKey(t)) {
                    out.append(tokens.get(t));
                } else {
                    throw origin.error("[" + what + "] uses the token [%" + t + "], which the inventory provider does not expand; "
                            + "use one of " + names(tokens) + " or write the value out.");
                }
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    throw origin.error("[" + what + "] has an unclosed [${]; close it with [}].");
                }
                String name = text.substring(i + 2, end);
                String value = System.getenv(name);
                if (value == null) {
                    throw origin.error("[" + what + "] uses the environment variable [" + name + "], which is not set; set it or write the value out.");
                }
                out.append(value);
                i = end;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String names(Map<Character, String> tokens) {
        StringBuilder s = new StringBuilder("[%%");
        new TreeMap<>(tokens).keySet().forEach(t -> s.append(", %").append(t));
        return s.append(']').toString();
    }
}
