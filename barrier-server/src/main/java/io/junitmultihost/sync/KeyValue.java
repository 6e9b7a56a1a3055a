package io.junitmultihost.sync;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A key's value and its version (1 for the first set, one more on every set). */
public final class KeyValue {

    private final String key;
    private final byte[] value;
    private final long version;

    /** @param key the key; @param value the bytes; @param version from 1 */
    public KeyValue(String key, byte[] value, long version) {
        this.key = Objects.requireNonNull(key, "key");
        this.value = value.clone();
        this.version = version;
    }

    /** The key. */
    public String key() {
        return key;
    }

    /** The value's bytes, a copy. */
    public byte[] value() {
        return value.clone();
    }

    /** The value read as UTF-8. */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** 1 for the first set, one more on every set. */
    public long version() {
        return version;
    }

    @Override
    public String toString() {
        return "KeyValue[" + key + " v" + version + ", " + value.length + " bytes]";
    }
}
