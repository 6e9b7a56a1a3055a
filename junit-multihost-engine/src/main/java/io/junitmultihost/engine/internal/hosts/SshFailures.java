package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.CommandTimeoutException;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.ssh.SshConnectException;
import io.junitmultihost.ssh.SshException;
import io.junitmultihost.ssh.SshSessionLostException;
import io.junitmultihost.ssh.SshTimeoutException;
import java.util.function.Supplier;

/** Turns the transport's exceptions into the API's, keeping message and cause. */
final class SshFailures {

    private SshFailures() {
    }

    static <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (SshException e) {
            throw translate(e);
        }
    }

    static MultiHostException translate(SshException e) {
        if (e instanceof SshTimeoutException) {
            return new CommandTimeoutException(e.getMessage(), e);
        }
        if (e instanceof SshConnectException || e instanceof SshSessionLostException) {
            return new HostUnavailableException(e.getMessage(), e);
        }
        return new MultiHostException(e.getMessage(), e);
    }
}
