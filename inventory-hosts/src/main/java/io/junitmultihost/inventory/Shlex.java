package io.junitmultihost.inventory;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into words as Python's {@code shlex} (Ansible INI) and OpenSSH's
 * {@code argv_split} (ssh_config) do: blanks separate words, single and double quotes group,
 * a backslash escapes the next character outside single quotes, and a {@code #} that starts a
 * word starts a comment.
 */
final class Shlex {

    private Shlex() {
    }

    static List<String> split(String line, Origin origin) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '#' && !inWord) {
                break;
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw origin.error("a quote [" + quote + "] is not closed; close it or escape it with a backslash.");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
