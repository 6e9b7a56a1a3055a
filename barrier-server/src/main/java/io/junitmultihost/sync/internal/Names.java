package io.junitmultihost.sync.internal;

import java.util.regex.Pattern;

/** The rules for participant names, syncpoint names and keys, shared by client and server. Internal. */
public final class Names {

    private static final Pattern PARTICIPANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}");
    private static final Pattern SYNCPOINT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+-]{0,199}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,18}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+/-]{0,255}");

    private Names() {
    }

    /** @throws IllegalArgumentException naming the value when it is not a valid participant name */
    public static String participant(String name) {
        if (name == null || !PARTICIPANT.matcher(name).matches()) {
            throw new IllegalArgumentException("Participant name [" + name
                    + "] is not valid; use 1-128 of letters, digits and ._@:+- starting with a letter or digit.");
        }
        return name;
    }

    /** @throws IllegalArgumentException naming the value when it is neither a syncpoint name nor a number */
    public static String syncpoint(String name) {
        if (name == null || !SYNCPOINT.matcher(name).matches()) {
            throw new IllegalArgumentException("Syncpoint [" + name
                    + "] is not valid; use a number (0 = the next one) or 1-200 of letters, digits and ._@:+-.");
        }
        return name;
    }

    /** True when the syncpoint is given by number (all digits), false for a named one. */
    public static boolean isNumber(String syncpoint) {
        return NUMBER.matcher(syncpoint).matches();
    }

    /** @throws IllegalArgumentException naming the value when it is not a valid key */
    public static String key(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("Key [" + key
                    + "] is not valid; use 1-256 of letters, digits and ._@:+/- starting with a letter or digit.");
        }
        return key;
    }
}
