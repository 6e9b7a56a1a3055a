package io.junitmultihost.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** OpenSSH-style key fingerprints: {@code SHA256:} and the unpadded base64 of the key blob's SHA-256. */
final class Fingerprints {

    private Fingerprints() {
    }

    static String sha256(byte[] keyBlob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
        }
    }

    /** The fingerprint of a key given in base64 as in known_hosts. */
    static String sha256OfBase64(String base64Key) {
        return sha256(Base64.getDecoder().decode(base64Key));
    }
}
