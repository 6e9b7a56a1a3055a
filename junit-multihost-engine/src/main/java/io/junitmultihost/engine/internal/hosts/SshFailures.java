package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.api.CommandTimeoutException;
import io.junitmultihost.api.HostUnavailableException;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.engine.internal.faults.ActiveFaults;
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

    /** As {@link #translated(Supplier)}, naming the faults in force on {@code host} in the message. */
    static <T> T translated(String host, Supplier<T> call) {
        try {
            return call.get();
        } catch (SshException e) {
            throw translate(e, host);
        }
    }

    static MultiHostException translate(SshException e) {
        return translate(e, null);
    }

    /** The API's exception for {@code e}, its message naming the faults in force on {@code host} (null: none named). */
    static MultiHostException translate(SshException e, String host) {
        String message = host == null ? e.getMessage() : ActiveFaults.named(e.getMessage(), host);
        if (e instanceof SshTimeoutException) {
            return new CommandTimeoutException(message, e);
        }
        if (e instanceof SshConnectException || e instanceof SshSessionLostException) {
            return new HostUnavailableException(message, e);
        }
        return new MultiHostException(message, e);
    }
}
