package io.junitmultihost.ssh;

/** The host could not be reached, or did not accept our credentials, within the deadline. */
public class SshConnectException extends SshException {

    private static final long serialVersionUID = 1L;

    /** A connect failure with the given message. */
    public SshConnectException(String message) {
        super(message);
    }

    /** A connect failure with the given message, keeping its cause. */
    public SshConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
