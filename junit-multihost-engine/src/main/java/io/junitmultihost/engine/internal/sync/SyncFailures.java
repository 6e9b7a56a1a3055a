package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.api.MultiHostException;
import io.junitmultihost.api.SyncAbortedException;
import io.junitmultihost.api.SyncFailedException;
import io.junitmultihost.engine.internal.faults.ActiveFaults;
import io.junitmultihost.sync.SyncException;
import io.junitmultihost.sync.SyncRejectedException;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Translates the barrier server's failures into the API's exceptions with the same sentence, the
 * original kept as the cause, and the faults in force then named: every sync failure a test sees is a {@link MultiHostException}.
 * Internal.
 */
final class SyncFailures {

    private SyncFailures() {
    }

    /**
     * Runs a call of the server's client, translating its failures; a name the server's rules
     * refuse (checked before anything is sent) becomes a {@link ConfigurationException}.
     */
    static <T> T around(Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** The API's exception for {@code failure}; exceptions of the API and other unexpected ones pass unchanged. */
    static RuntimeException translate(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof MultiHostException e) {
            return e;
        }
        if (t instanceof io.junitmultihost.sync.SyncAbortedException e) {
            return new SyncAbortedException(ActiveFaults.namedAny(e.getMessage()), e.result() == null ? null : SyncValues.toApi(e.result()), e);
        }
        if (t instanceof io.junitmultihost.sync.SyncFailedException e) {
            return new SyncFailedException(ActiveFaults.namedAny(e.getMessage()), e.result() == null ? null : SyncValues.toApi(e.result()), e);
        }
        if (t instanceof SyncRejectedException e && e.status() == 400) {
            return new ConfigurationException(e.getMessage(), e);
        }
        if (t instanceof SyncException e) {
            return new SyncFailedException(ActiveFaults.namedAny(e.getMessage()), null, e);
        }
        return t instanceof RuntimeException e ? e : new CompletionException(t);
    }
}
