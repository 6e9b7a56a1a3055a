package io.junitmultihost.api;

/**
 * The test could not do its work because of the test's infrastructure, not because of the system
 * under test: a host that cannot be reached, leased or authenticated, an SSH connection lost or
 * never made after its retries, a provider that cannot start a host. Its message starts with
 * {@value #PREFIX}, so a CI system can route such failures apart from the product's.
 */
public class InfrastructureException extends MultiHostException {

    /** How every message of this type starts: {@value}. */
    public static final String PREFIX = "Infrastructure: ";

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets (the prefix is added) */
    public InfrastructureException(String message) {
        super(prefixed(message));
    }

    /** @param message what went wrong (the prefix is added); @param cause the underlying failure, kept */
    public InfrastructureException(String message, Throwable cause) {
        super(prefixed(message), cause);
    }

    private static String prefixed(String message) {
        return message != null && message.startsWith(PREFIX) ? message : PREFIX + message;
    }
}
