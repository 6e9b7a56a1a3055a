package io.junitmultihost.lab;

import io.junitmultihost.api.ConfigurationException;
import java.util.Locale;

/** What clients see while a lab host is down between a reboot or crash and its next boot. */
public enum DownMode {

    /** Its link is down: every packet to it is dropped, so connections time out. */
    LINK,

    /** Its link is up with nothing listening: connections are refused at once. */
    REFUSE;

    /** Parses {@code link} or {@code refuse}, any case; a clear error naming {@code key} otherwise. */
    static DownMode parse(String key, String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Configuration parameter [" + key + "] must be link or refuse, was [" + text + "].");
        }
    }
}
