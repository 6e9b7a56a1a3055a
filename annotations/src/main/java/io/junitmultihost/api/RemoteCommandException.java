package io.junitmultihost.api;

import io.junitmultihost.spi.HumanDuration;

/** A remote command exited with a non-zero code where success was asserted. */
public class RemoteCommandException extends MultiHostException {

    private static final long serialVersionUID = 1L;
    private static final int STDERR_TAIL = 2000;

    private final transient ExecResult result;

    /** @param result the failed command's result */
    public RemoteCommandException(ExecResult result) {
        super("Command [" + result.command() + "] on host [" + result.host() + "] exited with ["
                + result.exitCode() + "] after [" + HumanDuration.of(result.duration()) + "]; stderr: [" + tail(result.stderr()) + "]");
        this.result = result;
    }

    /** The failed command's result. */
    public ExecResult result() {
        return result;
    }

    private static String tail(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= STDERR_TAIL ? trimmed : "..." + trimmed.substring(trimmed.length() - STDERR_TAIL);
    }
}
