package io.junitmultihost.ssh;

import java.util.Objects;

/**
 * One line a remote command printed, without its line end, decoded as UTF-8 (malformed bytes
 * become U+FFFD). Lines longer than {@value #MAX_LENGTH} bytes arrive in pieces.
 *
 * @param source which stream the line came from
 * @param text the line's text; never null
 */
public record OutputLine(Source source, String text) {

    /** The longest line handed over in one piece, in bytes. */
    public static final int MAX_LENGTH = 64 * 1024;

    /** Which output stream of the command. */
    public enum Source {
        /** Standard output. */
        STDOUT,
        /** Standard error. */
        STDERR
    }

    /** Validates the values. */
    public OutputLine {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
    }
}
