package io.junitmultihost.lab;

import io.junitmultihost.api.MultiHostException;

/**
 * The lab could not do what was asked: a program it runs failed, a host did not boot within its
 * deadline, or a safety check refused a host. The message names the host, the values and what to
 * do.
 */
public class LabException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets */
    public LabException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
