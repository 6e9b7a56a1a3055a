package io.junitmultihost.ssh;

/**
 * Root of every failure of the SSH transport. Unchecked; the message is a sentence naming the host,
 * the command and the deadline where they apply, and saying what to do.
 */
public class SshException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure with the given message. */
    public SshException(String message) {
        super(message);
    }

    /** A failure with the given message, keeping its cause. */
    public SshException(String message, Throwable cause) {
        super(message, cause);
    }
}
