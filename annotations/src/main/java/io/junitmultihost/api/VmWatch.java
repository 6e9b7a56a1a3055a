package io.junitmultihost.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A subscription to remote JVMs' events, made by {@link StateWait#watchVms} before acting. Close it
 * when done with it.
 */
public interface VmWatch extends AutoCloseable {

    /**
     * Waits until every watched JVM went through the watch's sequence and returns, per JVM id, its
     * events seen since the watch began, in order.
     *
     * @throws MultiHostException when {@code timeout} passes first, naming each JVM that did not and
     *     what it went through
     */
    Map<String, List<VmEvent>> await(Duration timeout);

    /** Ends the subscription. */
    @Override
    void close();
}
