package io.junitmultihost.ssh;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Quoting for POSIX {@code sh}: an argument quoted here reaches the command verbatim, whatever it
 * holds (quotes, blanks, {@code $}, backticks, newlines, {@code ;}, any Unicode).
 */
public final class ShellQuote {

    /**
     * Arguments made only of these characters need no quotes; the rest is single-quoted. Not
     * {@code =}: an unquoted {@code FOO=x} in the command word's place is an assignment, not a command.
     */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+:,./-]+");

    private ShellQuote() {
    }

    /**
     * Quotes one argument for {@code sh}, single-quote style: {@code it's} becomes
     * {@code 'it'\''s'}. The empty string becomes {@code ''}. Never null.
     */
    public static String quote(String argument) {
        Objects.requireNonNull(argument, "argument");
        if (argument.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "Argument [" + argument.replace('\0', '?') + "] contains a NUL character, which no shell"
                            + " argument can hold; remove it or pass the data on stdin.");
        }
        if (SAFE.matcher(argument).matches()) {
            return argument;
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }

    /** Quotes each argument and joins them with single blanks; never null. */
    public static String join(List<String> argv) {
        Objects.requireNonNull(argv, "argv");
        StringBuilder out = new StringBuilder();
        for (String argument : argv) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(quote(argument));
        }
        return out.toString();
    }
}
