package io.junitmultihost.inventory;

import io.junitmultihost.api.ConfigurationException;
import java.nio.file.Path;

/**
 * Where a setting was written: a file and a 1-based line, so that every error names both.
 *
 * @param kind what the file is, for messages: {@code inventory}, {@code SSH config}, ...
 */
record Origin(String kind, Path file, int line) {

    static Origin inventory(Path file, int line) {
        return new Origin("inventory", file, line);
    }

    /** The same file at another line. */
    Origin at(int otherLine) {
        return new Origin(kind, file, otherLine);
    }

    /** A configuration error located here: {@code Bad inventory [f] line [n]: what}. */
    ConfigurationException error(String what) {
        return new ConfigurationException("Bad " + this + ": " + what);
    }

    /** Where, for any message: {@code inventory [f] line [n]}; errors add "Bad" in front. */
    @Override
    public String toString() {
        return kind + " [" + file + "] line [" + line + "]";
    }
}
