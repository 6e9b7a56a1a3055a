package io.junitmultihost.api;

/** Bad configuration or annotations: names what is wrong and where. */
public class ConfigurationException extends MultiHostException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, with values in brackets */
    public ConfigurationException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying failure, kept */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
