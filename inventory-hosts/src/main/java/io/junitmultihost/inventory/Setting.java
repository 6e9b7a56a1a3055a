package io.junitmultihost.inventory;

/**
 * One value an inventory or SSH config gives, with where it was written.
 *
 * @param value the text; null for a YAML null or a collection
 * @param collection whether the value was a list or mapping rather than a single value
 */
record Setting(String value, Origin origin, boolean collection) {

    static Setting of(String value, Origin origin) {
        return new Setting(value, origin, false);
    }

    /** Whether there is a single non-empty value. */
    boolean present() {
        return value != null && !value.isEmpty();
    }

    /** The single value; an error naming {@code what} when it is a list or mapping. */
    String text(String what) {
        if (collection) {
            throw origin.error("[" + what + "] must be a single value, not a list or mapping.");
        }
        return value;
    }
}
