package io.junitmultihost.api;

/**
 * Code invoked in a remote JVM threw, or did not finish by its deadline. When it threw, the cause
 * is the remote exception with its remote stack trace; past the deadline, the message holds the
 * invoking thread's stack and a dump of every thread of that JVM.
 */
public class VmInvocationException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, with values in brackets */
    public VmInvocationException(String message) {
        super(message);
    }

    /** @param message what failed; @param cause the remote exception, with its remote stack trace */
    public VmInvocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
