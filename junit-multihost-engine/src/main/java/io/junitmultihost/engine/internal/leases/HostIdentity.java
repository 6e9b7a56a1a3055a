package io.junitmultihost.engine.internal.leases;

import io.junitmultihost.spi.HostSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two inventory entries one machine for leasing: {@code user@address:port}, and the
 * jump host when there is one (one address behind two jump hosts is two machines). Names differ
 * between inventories, so they do not count. Internal.
 */
final class HostIdentity {

    /** Longest name made of the identity; longer ones are cut and end with a digest, within every file system's limit. */
    private static final int MAX_NAME = 120;

    private HostIdentity() {
    }

    static String of(HostSpec host) {
        return host.user() + "@" + host.address() + ":" + host.port() + host.proxyJump().map(j -> " via " + j).orElse("");
    }

    /**
     * The identity as one safe file or ZooKeeper node name: letters, digits, {@code . _ -} and
     * {@code @} as they are, every other byte as {@code %XX}; names that would be too long are cut
     * and end with a digest of the whole, so they stay unique.
     */
    static String name(String identity) {
        StringBuilder name = new StringBuilder();
        for (byte b : identity.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-' || c == '@') {
                name.append(c);
            } else {
                name.append('%').append(String.format("%02X", (int) c));
            }
        }
        if (name.charAt(0) == '.') {
            // "." and ".." are not names; neither are hidden files wanted.
            name.replace(0, 1, "%2E");
        }
        if (name.length() <= MAX_NAME) {
            return name.toString();
        }
        return name.substring(0, MAX_NAME - 17) + "-" + digest(identity);
    }

    private static String digest(String identity) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256.", e);
        }
    }
}
