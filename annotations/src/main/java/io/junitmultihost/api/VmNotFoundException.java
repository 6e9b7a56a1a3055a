package io.junitmultihost.api;

/**
 * No remote JVM matching a dynamic action's target is available: none matches, or each one that
 * does is the target of another action, is itself starting one, or is in a state the action cannot
 * take (the message names each and why).
 */
public class VmNotFoundException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what was asked and why each matching JVM was unavailable */
    public VmNotFoundException(String message) {
        super(message);
    }
}
