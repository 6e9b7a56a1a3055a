package io.junitmultihost.qemu;

import io.junitmultihost.api.MultiHostException;

/**
 * The qemu provider could not do what was asked: a program it runs failed, a virtual machine did
 * not boot within its deadline, or a power action did not finish. The message names the host, the
 * values and what to do.
 */
public class QemuException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets */
    public QemuException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public QemuException(String message, Throwable cause) {
        super(message, cause);
    }
}
