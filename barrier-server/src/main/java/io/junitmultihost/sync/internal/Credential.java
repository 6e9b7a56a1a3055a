package io.junitmultihost.sync.internal;

/**
 * Who a request's token speaks for: the whole scope (its own token, the engine's), or one
 * participant (a token the engine handed to a host), which may not speak for the names the scope
 * reserved for others.
 */
final class Credential {

    final Scope scope;
    /** The participant the token was issued to; null for the scope's own token. */
    final String participant;
    private final byte[] secret;

    Credential(Scope scope, String participant, byte[] secret) {
        this.scope = scope;
        this.participant = participant;
        this.secret = secret;
    }

    /** Compares in constant time, so the answer's timing says nothing about the secret. */
    boolean matches(byte[] candidate) {
        return java.security.MessageDigest.isEqual(secret, candidate);
    }

    /** True when the token speaks for the whole scope. */
    boolean whole() {
        return participant == null;
    }
}
