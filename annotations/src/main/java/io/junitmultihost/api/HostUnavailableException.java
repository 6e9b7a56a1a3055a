package io.junitmultihost.api;

/**
 * A host could not be reached, leased or authenticated within its deadline, its connection was
 * lost, or its provider could not start it: a failure of the infrastructure ({@link InfrastructureException}).
 */
public class HostUnavailableException extends InfrastructureException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets */
    public HostUnavailableException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public HostUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
