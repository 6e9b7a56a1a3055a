package io.junitmultihost.ssh;

/**
 * A remote command outlived its deadline. By the time this is thrown the library has signalled the
 * remote process group (TERM, then KILL); {@link #partialStdout()} and {@link #partialStderr()}
 * hold what the command printed until then.
 */
public class SshTimeoutException extends SshException {

    private static final long serialVersionUID = 1L;

    private final byte[] partialStdout;
    private final byte[] partialStderr;

    /** A timeout with the given message and no output. */
    public SshTimeoutException(String message) {
        this(message, new byte[0], new byte[0], null);
    }

    /** A timeout with the given message, the output captured until the deadline, and a cause. */
    public SshTimeoutException(String message, byte[] partialStdout, byte[] partialStderr, Throwable cause) {
        super(message, cause);
        this.partialStdout = partialStdout.clone();
        this.partialStderr = partialStderr.clone();
    }

    /** What the command wrote to stdout before its deadline (possibly truncated); never null. */
    public byte[] partialStdout() {
        return partialStdout.clone();
    }

    /** What the command wrote to stderr before its deadline (possibly truncated); never null. */
    public byte[] partialStderr() {
        return partialStderr.clone();
    }
}
