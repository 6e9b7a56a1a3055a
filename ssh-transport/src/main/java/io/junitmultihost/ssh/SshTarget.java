package io.junitmultihost.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach one host: address, user, credentials, host keys, jump host, connect timeout.
 * Immutable; built with {@link #builder(String, String)}. {@code toString} never shows the password.
 *
 * <pre>{@code
 * SshTarget db1 = SshTarget.builder("db1", "10.0.0.5").user("root")
 *         .identityFile(Path.of("/home/me/.ssh/id_ed25519"))
 *         .knownHosts(List.of("10.0.0.5 ssh-ed25519 AAAA..."))
 *         .build();
 * }</pre>
 */
public final class SshTarget {

    /** Connect timeout unless the builder is told otherwise. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final String host;
    private final int port;
    private final String user;
    private final Path identityFile;
    private final String password;
    private final List<String> knownHosts;
    private final boolean strictHostKeyChecking;
    private final String proxyJump;
    private final Duration connectTimeout;
    private final Path knownHostsFile;
    private final String knownHostsSetting;

    private SshTarget(Builder builder) {
        this.name = builder.name;
        this.host = builder.host;
        this.port = builder.port;
        this.user = builder.user;
        this.identityFile = builder.identityFile;
        this.password = builder.password;
        this.knownHosts = List.copyOf(builder.knownHosts);
        this.strictHostKeyChecking = builder.strictHostKeyChecking;
        this.proxyJump = builder.proxyJump;
        this.connectTimeout = builder.connectTimeout;
        this.knownHostsFile = builder.knownHostsFile;
        this.knownHostsSetting = builder.knownHostsSetting;
    }

    /**
     * A builder for the host called {@code name} (used in messages) at {@code host} (name or
     * address); port 22, user {@code root}, strict host-key checking against ~/.ssh/known_hosts.
     */
    public static Builder builder(String name, String host) {
        return new Builder(name, host);
    }

    /** A builder holding this target's values, to derive a changed copy. */
    public Builder toBuilder() {
        return toBuilder(name, host);
    }

    /** A builder holding this target's values but another name and host. */
    Builder toBuilder(String newName, String newHost) {
        Builder builder = new Builder(newName, newHost).port(port).user(user).identityFile(identityFile).password(password)
                .knownHosts(knownHosts).strictHostKeyChecking(strictHostKeyChecking).proxyJump(proxyJump)
                .connectTimeout(connectTimeout).knownHostsOrigin(knownHostsFile, knownHostsSetting);
        return builder;
    }

    /** The logical name, for messages; never null. */
    public String name() {
        return name;
    }

    /** Host name or address to connect to; never null. */
    public String host() {
        return host;
    }

    /** TCP port of sshd. */
    public int port() {
        return port;
    }

    /** The login user; never null. */
    public String user() {
        return user;
    }

    /** The private key file, or null to use the defaults (~/.ssh/id_*, ssh-agent). */
    public Path identityFile() {
        return identityFile;
    }

    /** The password, or null when none is configured. Never logged. */
    public String password() {
        return password;
    }

    /** known_hosts lines in OpenSSH format; empty means ~/.ssh/known_hosts. Never null. */
    public List<String> knownHosts() {
        return knownHosts;
    }

    /** The file the known_hosts lines were read from, for messages; null when given directly (or none). */
    public Path knownHostsFile() {
        return knownHostsFile;
    }

    /** The setting that names the known_hosts file, for messages; null when the lines come from code. */
    public String knownHostsSetting() {
        return knownHostsSetting;
    }

    /** Whether unknown or changed host keys are refused (default true). */
    public boolean strictHostKeyChecking() {
        return strictHostKeyChecking;
    }

    /** The jump host as {@code user@host:port}, or null for a direct connection. */
    public String proxyJump() {
        return proxyJump;
    }

    /** How long connect, key exchange and authentication may take together; never null. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@code name (user@host:port)}, for messages. */
    String describe() {
        return name + " (" + user + "@" + host + ":" + port + ")";
    }

    /** {@code host:port}. */
    String address() {
        return host + ":" + port;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SshTarget that
                && name.equals(that.name)
                && host.equals(that.host)
                && port == that.port
                && user.equals(that.user)
                && Objects.equals(identityFile, that.identityFile)
                && Objects.equals(password, that.password)
                && knownHosts.equals(that.knownHosts)
                && strictHostKeyChecking == that.strictHostKeyChecking
                && Objects.equals(proxyJump, that.proxyJump)
                && connectTimeout.equals(that.connectTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, host, port, user, identityFile, knownHosts, strictHostKeyChecking, proxyJump,
                connectTimeout);
    }

    @Override
    public String toString() {
        return "SshTarget[" + name + " " + user + "@" + host + ":" + port
                + (identityFile != null ? ", identityFile=" + identityFile : "")
                + (password != null ? ", password=***" : "")
                + (knownHosts.isEmpty() ? "" : ", knownHosts=" + knownHosts.size() + " lines")
                + (strictHostKeyChecking ? "" : ", strictHostKeyChecking=false")
                + (proxyJump != null ? ", proxyJump=" + proxyJump : "")
                + ", connectTimeout=" + connectTimeout + "]";
    }

    /** Builds an {@link SshTarget}; not thread-safe. */
    public static final class Builder {

        private final String name;
        private final String host;
        private int port = 22;
        private String user = "root";
        private Path identityFile;
        private String password;
        private List<String> knownHosts = List.of();
        private boolean strictHostKeyChecking = true;
        private String proxyJump;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Path knownHostsFile;
        private String knownHostsSetting;

        private Builder(String name, String host) {
            this.name = requireText(name, "name");
            this.host = requireText(host, "host");
        }

        /** The sshd port, 1..65535 (default 22). */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Port [" + port + "] of host [" + name + "] is not in 1..65535.");
            }
            this.port = port;
            return this;
        }

        /** The login user (default root). */
        public Builder user(String user) {
            this.user = requireText(user, "user");
            return this;
        }

        /** The private key file; null = ~/.ssh/id_ed25519, id_ecdsa, id_rsa and ssh-agent. */
        public Builder identityFile(Path identityFile) {
            this.identityFile = identityFile;
            return this;
        }

        /** The password; null = none (public keys only). */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** known_hosts lines in OpenSSH format; empty = ~/.ssh/known_hosts. */
        public Builder knownHosts(List<String> openSshKnownHostsLines) {
            this.knownHosts = List.copyOf(Objects.requireNonNull(openSshKnownHostsLines, "knownHosts"));
            return this;
        }

        /**
         * Where the known_hosts lines come from, so that a refused host key names the file to fix
         * and the setting to change: {@code file} the lines were read from (null: given directly,
         * or none, so ~/.ssh/known_hosts), {@code setting} the configuration key that names it
         * (null: the lines come from code). Messages only; no effect on which keys are trusted.
         */
        public Builder knownHostsOrigin(Path file, String setting) {
            this.knownHostsFile = file;
            this.knownHostsSetting = setting;
            return this;
        }

        /** Whether unknown or changed host keys are refused (default true). */
        public Builder strictHostKeyChecking(boolean strict) {
            this.strictHostKeyChecking = strict;
            return this;
        }

        /** The jump host as {@code user@host:port} (user and port optional); null = none. */
        public Builder proxyJump(String proxyJump) {
            this.proxyJump = proxyJump == null || proxyJump.isBlank() ? null : proxyJump.trim();
            return this;
        }

        /** How long connect, key exchange and authentication may take together (default 10 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("Connect timeout [" + HumanDuration.of(connectTimeout) + "] of host [" + name
                        + "] must be positive.");
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** The target; never null. */
        public SshTarget build() {
            return new SshTarget(this);
        }

        private static String requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("SSH target " + what + " must not be blank; got [" + value + "].");
            }
            return value;
        }
    }
}
