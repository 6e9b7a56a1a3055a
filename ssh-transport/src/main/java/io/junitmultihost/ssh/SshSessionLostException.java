package io.junitmultihost.ssh;

/**
 * The SSH connection dropped while a call was in progress (host rebooted, sshd killed, link cut).
 * Whether a command that was running has completed on the host is unknown.
 */
public class SshSessionLostException extends SshException {

    private static final long serialVersionUID = 1L;

    /** A lost session with the given message. */
    public SshSessionLostException(String message) {
        super(message);
    }

    /** A lost session with the given message, keeping its cause. */
    public SshSessionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
