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
            throw translate(e, ActiveFaults.during(host));
        }
    }

    static MultiHostException translate(SshException e) {
        return translate(e, "");
    }

    /** The API's exception for {@code e}, its message followed by {@code faults} (what was in force). */
    static MultiHostException translate(SshException e, String faults) {
        String message = e.getMessage() + faults;
        if (e instanceof SshTimeoutException) {
            return new CommandTimeoutException(message, e);
        }
        if (e instanceof SshConnectException || e instanceof SshSessionLostException) {
            return new HostUnavailableException(message, e);
        }
        return new MultiHostException(message, e);
    }
}
