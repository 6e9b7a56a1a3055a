package io.junitmultihost.sync.internal;

import java.time.Duration;

/** The limits that keep one bad client from hurting the others, and the default waits. Internal; set from the public config. */
public final class ServerLimits {

    final int maxConnections;
    final int maxHeadBytes;
    final int maxBodyBytes;
    final long requestTimeoutNanos;
    final long idleTimeoutNanos;
    final long writeTimeoutNanos;
    final Duration defaultWait;
    final Duration maxWait;
    final int eventCapacity;
    final int maxKeys;
    final long maxKeyBytes;
    final int maxUnauthenticated;
    final long authTimeoutNanos;

    /**
     * @param maxConnections connections held at once; more are answered 503 and closed
     * @param maxHeadBytes request line and headers
     * @param maxBodyBytes request body
     * @param requestTimeout time allowed to send one complete request once its first byte came
     * @param idleTimeout time a keep-alive connection may sit idle
     * @param writeTimeout time a client may leave a reply unread before it is dropped
     * @param defaultWait the deadline of a blocking call that names none
     * @param maxWait the longest deadline a call may ask for
     * @param eventCapacity events held per scope for late readers
     * @param maxKeys keys held per scope
     * @param maxKeyBytes bytes of keys and values held per scope
     * @param maxUnauthenticated connections held at once that have not yet sent a request with a valid token;
     *     past it the oldest of them is closed, so they never crowd out those that have
     * @param authTimeout time a connection has to send its first request with a valid token
     */
    public ServerLimits(int maxConnections, int maxHeadBytes, int maxBodyBytes, Duration requestTimeout,
                        Duration idleTimeout, Duration writeTimeout, Duration defaultWait, Duration maxWait,
                        int eventCapacity, int maxKeys, long maxKeyBytes, int maxUnauthenticated, Duration authTimeout) {
        this.maxConnections = maxConnections;
        this.maxHeadBytes = maxHeadBytes;
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.writeTimeoutNanos = writeTimeout.toNanos();
        this.defaultWait = defaultWait;
        this.maxWait = maxWait;
        this.eventCapacity = eventCapacity;
        this.maxKeys = maxKeys;
        this.maxKeyBytes = maxKeyBytes;
        this.maxUnauthenticated = maxUnauthenticated;
        this.authTimeoutNanos = authTimeout.toNanos();
    }
}
