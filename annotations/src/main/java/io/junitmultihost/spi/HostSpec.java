package io.junitmultihost.spi;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to reach one host over SSH, as a provider describes it. Immutable; build with
 * {@link #builder(String, String)}. The password, if any, is never shown by {@link #toString()}.
 */
public final class HostSpec {

    private final String name;
    private final String address;
    private final String networkAddress;
    private final int port;
    private final String user;
    private final Path identityFile;
    private final String password;
    private final List<String> knownHosts;
    private final boolean strictHostKeyChecking;
    private final String proxyJump;
    private final Set<String> roles;
    private final Map<String, String> labels;
    private final HostControl control;
    private final Path knownHostsFile;
    private final String knownHostsSetting;
    private final String rebootCommand;

    private HostSpec(Builder b) {
        this.name = requireText(b.name, "name");
        this.address = requireText(b.address, "address of host [" + b.name + "]");
        this.networkAddress = b.networkAddress == null ? address : requireText(b.networkAddress, "network address of host [" + b.name + "]");
        if (b.port < 1 || b.port > 65535) {
            throw new IllegalArgumentException("Port of host [" + b.name + "] must be 1..65535, was [" + b.port + "].");
        }
        this.port = b.port;
        this.user = requireText(b.user, "user of host [" + b.name + "]");
        this.identityFile = b.identityFile;
        this.password = b.password;
        this.knownHosts = List.copyOf(b.knownHosts);
        this.strictHostKeyChecking = b.strictHostKeyChecking;
        this.proxyJump = b.proxyJump;
        this.roles = Set.copyOf(b.roles);
        this.labels = Map.copyOf(b.labels);
        this.control = b.control;
        this.knownHostsFile = b.knownHostsFile;
        this.knownHostsSetting = b.knownHostsSetting;
        if (b.rebootCommand != null && b.rebootCommand.isBlank()) {
            throw new IllegalArgumentException("Reboot command of host [" + b.name + "] is blank; leave it unset for the default.");
        }
        this.rebootCommand = b.rebootCommand;
    }

    /** A builder for a host named {@code name} at {@code address}; port 22, user {@code root}. */
    public static Builder builder(String name, String address) {
        return new Builder(name, address);
    }

    /** The host's name, unique within a provider. */
    public String name() {
        return name;
    }

    /** The address to connect to. */
    public String address() {
        return address;
    }

    /**
     * The address programs on other hosts reach this host at ({@code Host.address()}): {@link #address()}
     * unless the provider reaches the host some other way (QEMU's port forward on 127.0.0.1).
     */
    public String networkAddress() {
        return networkAddress;
    }

    /** The SSH port. */
    public int port() {
        return port;
    }

    /** The user to log in as. */
    public String user() {
        return user;
    }

    /** The private key file to authenticate with, if any (else ssh-agent and the user's default keys). */
    public Optional<Path> identityFile() {
        return Optional.ofNullable(identityFile);
    }

    /** The password to authenticate with, if configured. Never logged. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /**
     * Lines in OpenSSH known_hosts format that vouch for this host's key. Empty means: use the
     * user's {@code ~/.ssh/known_hosts}.
     */
    public List<String> knownHosts() {
        return knownHosts;
    }

    /** Whether an unknown or changed host key is refused (the default) rather than accepted. */
    public boolean strictHostKeyChecking() {
        return strictHostKeyChecking;
    }

    /** A jump host in OpenSSH's ProxyJump form ({@code user@host:port}), if any. */
    public Optional<String> proxyJump() {
        return Optional.ofNullable(proxyJump);
    }

    /** The roles this host may serve; empty means any role. */
    public Set<String> roles() {
        return roles;
    }

    /** Free-form labels, for example from an inventory. */
    public Map<String, String> labels() {
        return labels;
    }

    /** The file the known_hosts lines were read from, for messages; empty when given directly (or none). */
    public Optional<Path> knownHostsFile() {
        return Optional.ofNullable(knownHostsFile);
    }

    /** The setting that names the known_hosts file, for messages; empty when the provider chose the lines. */
    public Optional<String> knownHostsSetting() {
        return Optional.ofNullable(knownHostsSetting);
    }

    /** Power and link control, for simulated hosts. */
    public Optional<HostControl> control() {
        return Optional.ofNullable(control);
    }

    /**
     * The shell command that reboots this host (for example {@code reboot -f} on a busybox system),
     * when it differs from the run's {@code multihost.reboot.command}; a reboot's own
     * {@code RebootOptions.withCommand} still wins.
     */
    public Optional<String> rebootCommand() {
        return Optional.ofNullable(rebootCommand);
    }

    /** Whether this host may serve {@code role}. */
    public boolean canServe(String role) {
        return roles.isEmpty() || roles.contains(role);
    }

    /** A builder starting from this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(name, address).port(port).user(user).password(password)
                .knownHosts(knownHosts).strictHostKeyChecking(strictHostKeyChecking)
                .proxyJump(proxyJump).roles(roles).labels(labels).control(control)
                .knownHostsOrigin(knownHostsFile, knownHostsSetting).rebootCommand(rebootCommand);
        b.identityFile = identityFile;
        b.networkAddress = networkAddress.equals(address) ? null : networkAddress;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostSpec h && name.equals(h.name) && address.equals(h.address) && port == h.port
                && user.equals(h.user);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, address, port, user);
    }

    @Override
    public String toString() {
        return "HostSpec[" + name + " " + user + "@" + address + ":" + port
                + (identityFile != null ? ", identity=" + identityFile : "")
                + (password != null ? ", password=***" : "")
                + (proxyJump != null ? ", proxyJump=" + proxyJump : "")
                + (roles.isEmpty() ? "" : ", roles=" + roles) + "]";
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The " + what + " must not be blank.");
        }
        return value;
    }

    /** Builds a {@link HostSpec}. */
    public static final class Builder {
        private final String name;
        private final String address;
        private String networkAddress;
        private int port = 22;
        private String user = "root";
        private Path identityFile;
        private String password;
        private List<String> knownHosts = List.of();
        private Path knownHostsFile;
        private String knownHostsSetting;
        private boolean strictHostKeyChecking = true;
        private String proxyJump;
        private Set<String> roles = new LinkedHashSet<>();
        private Map<String, String> labels = new LinkedHashMap<>();
        private HostControl control;
        private String rebootCommand;

        private Builder(String name, String address) {
            this.name = name;
            this.address = address;
        }

        /** The address other hosts reach this one at, when it is not the address SSH connects to; null for that one. */
        public Builder networkAddress(String networkAddress) {
            this.networkAddress = networkAddress;
            return this;
        }

        /** The SSH port, 22 unless set. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The login user, root unless set. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The private key file. */
        public Builder identityFile(Path identityFile) {
            this.identityFile = Objects.requireNonNull(identityFile, "identityFile");
            return this;
        }

        /** The password; null for none. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** known_hosts lines vouching for the host's key. */
        public Builder knownHosts(List<String> knownHosts) {
            this.knownHosts = List.copyOf(knownHosts);
            return this;
        }

        /**
         * Where the known_hosts lines come from, so that a refused host key names the file to fix and
         * the setting to change: {@code file} they were read from (null: given directly, or none),
         * {@code setting} the configuration key that names it (null: none). Messages only.
         */
        public Builder knownHostsOrigin(Path file, String setting) {
            this.knownHostsFile = file;
            this.knownHostsSetting = setting;
            return this;
        }

        /** Whether host keys are checked strictly (true unless set). */
        public Builder strictHostKeyChecking(boolean strict) {
            this.strictHostKeyChecking = strict;
            return this;
        }

        /** A ProxyJump, null for none. */
        public Builder proxyJump(String proxyJump) {
            this.proxyJump = proxyJump;
            return this;
        }

        /** The roles the host may serve; empty for any. */
        public Builder roles(Set<String> roles) {
            this.roles = new LinkedHashSet<>(roles);
            return this;
        }

        /** Labels. */
        public Builder labels(Map<String, String> labels) {
            this.labels = new LinkedHashMap<>(labels);
            return this;
        }

        /** Power and link control; null for none. */
        public Builder control(HostControl control) {
            this.control = control;
            return this;
        }

        /** The command that reboots this host; null for the run's default. */
        public Builder rebootCommand(String rebootCommand) {
            this.rebootCommand = rebootCommand;
            return this;
        }

        /** The spec; an {@link IllegalArgumentException} naming the bad field otherwise. */
        public HostSpec build() {
            return new HostSpec(this);
        }
    }
}
