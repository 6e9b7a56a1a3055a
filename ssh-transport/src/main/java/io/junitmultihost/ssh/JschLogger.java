package io.junitmultihost.ssh;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes JSch's own messages to SLF4J logger {@value #NAME}, all at DEBUG: JSch is chatty at INFO
 * and its WARN/ERROR lines are also reported to us as exceptions, which we word ourselves.
 */
final class JschLogger implements com.jcraft.jsch.Logger {

    static final String NAME = "io.junitmultihost.ssh.jsch";
    private static final Logger LOG = LoggerFactory.getLogger(NAME);

    @Override
    public boolean isEnabled(int level) {
        return LOG.isDebugEnabled();
    }

    @Override
    public void log(int level, String message) {
        LOG.debug(message);
    }

    @Override
    public void log(int level, String message, Throwable cause) {
        LOG.debug(message, cause);
    }
}
