package io.junitmultihost.sync;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SyncServer} listens and what it tolerates. Immutable; build with {@link #builder()}.
 * The defaults are safe: loopback only, an ephemeral port, a random token, and limits that keep
 * a bad client from hurting the others.
 */
public final class SyncServerConfig {

    /** Where the server listens unless told: loopback only; hosts come in through SSH remote forwards. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** Connections held at once; more are answered 503 and closed. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16_384;
    /** Request line plus headers, in bytes (a 1000-participant list fits). */
    public static final int DEFAULT_MAX_HEADER_BYTES = 32 * 1024;
    /** Request body, in bytes. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** Time to send one whole request once its first byte arrived. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Time a keep-alive connection may sit idle. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Time a client may leave a reply unread. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** The deadline of a blocking call that names none. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    /** The longest deadline a call may ask for. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofHours(24);
    /** Events held per scope for late readers. */
    public static final int DEFAULT_EVENT_CAPACITY = 100_000;
    /** Keys held per scope. */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    /** Bytes of keys and values held per scope (16 MiB): past it a set is refused with 413. */
    public static final long DEFAULT_MAX_KEY_BYTES = 16L * 1024 * 1024;
    /**
     * Connections held at once that have not yet sent a request with a valid token. They have a
     * pool of their own: past it the oldest of them is closed, so they never take the place of
     * connections that have a token (those count against {@link #DEFAULT_MAX_CONNECTIONS}).
     */
    public static final int DEFAULT_MAX_UNAUTHENTICATED = 1024;
    /** Time a new connection has to send a whole request head with a valid token before it is closed. */
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(5);

    private final Builder b;

    private SyncServerConfig(Builder b) {
        this.b = b.copy();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static SyncServerConfig defaults() {
        return builder().build();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return b.copy();
    }

    /** The address to bind. */
    public String bindAddress() {
        return b.bindAddress;
    }

    /** The port to bind; 0 for an ephemeral one. */
    public int port() {
        return b.port;
    }

    /** The default scope's token, or null for a random one. */
    String token() {
        return b.token;
    }

    int maxConnections() {
        return b.maxConnections;
    }

    int maxHeaderBytes() {
        return b.maxHeaderBytes;
    }

    int maxBodyBytes() {
        return b.maxBodyBytes;
    }

    Duration requestTimeout() {
        return b.requestTimeout;
    }

    Duration idleTimeout() {
        return b.idleTimeout;
    }

    Duration writeTimeout() {
        return b.writeTimeout;
    }

    Duration defaultWait() {
        return b.defaultWait;
    }

    Duration maxWait() {
        return b.maxWait;
    }

    int eventCapacity() {
        return b.eventCapacity;
    }

    int maxKeys() {
        return b.maxKeys;
    }

    long maxKeyBytes() {
        return b.maxKeyBytes;
    }

    int maxUnauthenticated() {
        return b.maxUnauthenticated;
    }

    Duration authTimeout() {
        return b.authTimeout;
    }

    @Override
    public String toString() {
        return "SyncServerConfig[" + b.bindAddress + ":" + b.port + ", token=" + (b.token == null ? "random" : "***")
                + ", maxConnections=" + b.maxConnections + ", requestTimeout=" + b.requestTimeout + "]";
    }

    /** Builds a {@link SyncServerConfig}. */
    public static final class Builder {
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int port;
        private String token;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private Duration defaultWait = DEFAULT_WAIT;
        private Duration maxWait = DEFAULT_MAX_WAIT;
        private int eventCapacity = DEFAULT_EVENT_CAPACITY;
        private int maxKeys = DEFAULT_MAX_KEYS;
        private long maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
        private int maxUnauthenticated = DEFAULT_MAX_UNAUTHENTICATED;
        private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;

        private Builder() {
        }

        private Builder copy() {
            Builder c = new Builder();
            c.bindAddress = bindAddress;
            c.port = port;
            c.token = token;
            c.maxConnections = maxConnections;
            c.maxHeaderBytes = maxHeaderBytes;
            c.maxBodyBytes = maxBodyBytes;
            c.requestTimeout = requestTimeout;
            c.idleTimeout = idleTimeout;
            c.writeTimeout = writeTimeout;
            c.defaultWait = defaultWait;
            c.maxWait = maxWait;
            c.eventCapacity = eventCapacity;
            c.maxKeys = maxKeys;
            c.maxKeyBytes = maxKeyBytes;
            c.maxUnauthenticated = maxUnauthenticated;
            c.authTimeout = authTimeout;
            return c;
        }

        /** The address to bind; anything but loopback exposes the server to the network (the token still guards it). */
        public Builder bindAddress(String address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The port; 0 (the default) for an ephemeral one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port [" + port + "] is not 0..65535.");
            }
            this.port = port;
            return this;
        }

        /** The default scope's token; at least 16 characters. Random when not set. */
        public Builder token(String token) {
            if (token == null || token.length() < 16) {
                throw new IllegalArgumentException("A sync token needs at least 16 characters.");
            }
            this.token = token;
            return this;
        }

        /** See {@link #DEFAULT_MAX_CONNECTIONS}. */
        public Builder maxConnections(int max) {
            this.maxConnections = positive(max, "maxConnections");
            return this;
        }

        /** See {@link #DEFAULT_MAX_HEADER_BYTES}. */
        public Builder maxHeaderBytes(int max) {
            this.maxHeaderBytes = positive(max, "maxHeaderBytes");
            return this;
        }

        /** See {@link #DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int max) {
            this.maxBodyBytes = positive(max, "maxBodyBytes");
            return this;
        }

        /** See {@link #DEFAULT_REQUEST_TIMEOUT}. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d, "requestTimeout");
            return this;
        }

        /** See {@link #DEFAULT_IDLE_TIMEOUT}. */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = positive(d, "idleTimeout");
            return this;
        }

        /** See {@link #DEFAULT_WRITE_TIMEOUT}. */
        public Builder writeTimeout(Duration d) {
            this.writeTimeout = positive(d, "writeTimeout");
            return this;
        }

        /** See {@link #DEFAULT_WAIT}. */
        public Builder defaultWait(Duration d) {
            this.defaultWait = positive(d, "defaultWait");
            return this;
        }

        /** See {@link #DEFAULT_MAX_WAIT}. */
        public Builder maxWait(Duration d) {
            this.maxWait = positive(d, "maxWait");
            return this;
        }

        /** See {@link #DEFAULT_EVENT_CAPACITY}. */
        public Builder eventCapacity(int n) {
            this.eventCapacity = positive(n, "eventCapacity");
            return this;
        }

        /** See {@link #DEFAULT_MAX_KEYS}. */
        public Builder maxKeys(int n) {
            this.maxKeys = positive(n, "maxKeys");
            return this;
        }

        /** See {@link #DEFAULT_MAX_KEY_BYTES}. */
        public Builder maxKeyBytes(long n) {
            if (n <= 0) {
                throw new IllegalArgumentException("[maxKeyBytes] must be positive, not [" + n + "].");
            }
            this.maxKeyBytes = n;
            return this;
        }

        /** See {@link #DEFAULT_MAX_UNAUTHENTICATED}. */
        public Builder maxUnauthenticated(int max) {
            this.maxUnauthenticated = positive(max, "maxUnauthenticated");
            return this;
        }

        /** See {@link #DEFAULT_AUTH_TIMEOUT}. */
        public Builder authTimeout(Duration d) {
            this.authTimeout = positive(d, "authTimeout");
            return this;
        }

        /** The config. */
        public SyncServerConfig build() {
            return new SyncServerConfig(this);
        }

        private static int positive(int v, String what) {
            if (v <= 0) {
                throw new IllegalArgumentException("[" + what + "] must be positive, not [" + v + "].");
            }
            return v;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("[" + what + "] must be a positive duration, not [" + d + "].");
            }
            return d;
        }
    }
}
