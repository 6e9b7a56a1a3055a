package io.junitmultihost.engine.internal.sync;

import io.junitmultihost.api.SyncMessage;
import io.junitmultihost.api.SyncOutcome;
import io.junitmultihost.api.SyncRequest;
import io.junitmultihost.api.SyncResult;
import io.junitmultihost.api.SyncState;
import io.junitmultihost.api.Vote;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Carries the API's sync value types to the barrier server's and back, so that the API never
 * shows the server's types (as {@code SshFailures} keeps JSch out of it). Internal.
 */
final class SyncValues {

    private SyncValues() {
    }

    /**
     * The server's request for {@code request}.
     *
     * @throws IllegalArgumentException naming the value when the server's name rules refuse a name
     */
    static io.junitmultihost.sync.SyncRequest toServer(SyncRequest request) {
        io.junitmultihost.sync.SyncRequest r = io.junitmultihost.sync.SyncRequest.to(request.syncpoint())
                .with(request.participants())
                .vote(request.vote() == Vote.NO ? io.junitmultihost.sync.Vote.NO : io.junitmultihost.sync.Vote.YES)
                .timeout(request.timeout());
        byte[] message = request.message();
        if (message.length > 0) {
            r = r.message(message);
        }
        return request.inactivity() == null ? r : r.inactivity(request.inactivity());
    }

    /** The API's result for the server's; the states are carried over only when someone reads them. */
    static SyncResult toApi(io.junitmultihost.sync.SyncResult result) {
        return new SyncResult(result.syncpoint(), SyncOutcome.valueOf(result.outcome().name()), result.success(),
                () -> states(result.states()), result.removed(), result.message().map(SyncValues::message).orElse(null),
                result.reason());
    }

    private static Map<String, SyncState> states(Map<String, io.junitmultihost.sync.SyncState> states) {
        Map<String, SyncState> copy = new LinkedHashMap<>();
        states.forEach((participant, state) -> copy.put(participant, SyncState.valueOf(state.name())));
        return copy;
    }

    private static SyncMessage message(io.junitmultihost.sync.SyncMessage m) {
        return new SyncMessage(m.data(), m.sender(), m.sent(), m.duplicateSenders(), m.truncated());
    }
}
