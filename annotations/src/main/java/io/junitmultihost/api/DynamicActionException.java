package io.junitmultihost.api;

/**
 * A dynamic stop or start of a remote JVM was refused or failed: the test class is ending, the
 * action would deadlock (two JVMs stopping each other synchronously), or it did not complete within
 * its deadline.
 */
public class DynamicActionException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what was refused or failed, and why */
    public DynamicActionException(String message) {
        super(message);
    }

    /** @param message what failed; @param cause the underlying failure, kept */
    public DynamicActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
