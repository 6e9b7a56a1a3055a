package io.junitmultihost.ssh;

/**
 * The host offered a key that is not in known_hosts, or one that differs from the key recorded
 * there. The message names the host, the expected and the offered SHA256 fingerprints and how to
 * fix it.
 */
public class SshHostKeyException extends SshConnectException {

    private static final long serialVersionUID = 1L;

    private final String offeredFingerprint;

    /** A host-key failure; {@code offeredFingerprint} is {@code SHA256:...}, or null if unknown. */
    public SshHostKeyException(String message, String offeredFingerprint, Throwable cause) {
        super(message, cause);
        this.offeredFingerprint = offeredFingerprint;
    }

    /** The SHA256 fingerprint of the key the host offered ({@code SHA256:base64}), or null. */
    public String offeredFingerprint() {
        return offeredFingerprint;
    }
}
