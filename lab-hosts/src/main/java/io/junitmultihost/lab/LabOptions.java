package io.junitmultihost.lab;

import static io.junitmultihost.lab.LabHostProviderFactory.BOOT_NICENESS;
import static io.junitmultihost.lab.LabHostProviderFactory.BOOT_TIMEOUT;
import static io.junitmultihost.lab.LabHostProviderFactory.BRIDGE;
import static io.junitmultihost.lab.LabHostProviderFactory.CMDLINE;
import static io.junitmultihost.lab.LabHostProviderFactory.DOWN_MODE;
import static io.junitmultihost.lab.LabHostProviderFactory.DOWN_TIME;
import static io.junitmultihost.lab.LabHostProviderFactory.HOSTS;
import static io.junitmultihost.lab.LabHostProviderFactory.MAX_HOSTS;
import static io.junitmultihost.lab.LabHostProviderFactory.STATE_DIR;
import static io.junitmultihost.lab.LabHostProviderFactory.SUBNET;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to build a {@link Lab}: immutable; start from {@link #builder()} or
 * {@link #fromConfig(ProviderConfig)}. Defaults: no hosts up front, at most 100, subnet
 * {@value #DEFAULT_SUBNET} (or the next free /24 after it when another lab holds it), bridge
 * {@code mhl-<lab id>}, down 2 s with the link down, 60 s for a boot, state under
 * {@value #DEFAULT_STATE_DIR}.
 */
public final class LabOptions {

    /** The default subnet: private, and used by nothing but the lab's bridge. */
    public static final String DEFAULT_SUBNET = "10.253.77.0/24";

    /** Where labs keep their files by default: outside every directory a host overlays. */
    public static final String DEFAULT_STATE_DIR = "/run/junit-multihost-lab";

    /** The kernel command line hosts boot with by default; {@code {host}} is the host's name. */
    public static final String DEFAULT_CMDLINE = "BOOT_IMAGE=/boot/vmlinuz-lab root=/dev/lab ro quiet multihost.host={host}";

    /** How much nicer than the lab boots run unless set (docs/LAB.md). */
    public static final int DEFAULT_BOOT_NICENESS = 5;

    private static final Pattern BRIDGE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private final int hosts;
    private final int maxHosts;
    private final String subnet;
    private final String bridge;
    private final Duration downTime;
    private final DownMode downMode;
    private final Duration bootTimeout;
    private final int bootNiceness;
    private final Path stateDir;
    private final String cmdline;
    private final Map<String, String> hostCmdlines;

    private LabOptions(Builder b) {
        if (b.hosts < 0) {
            throw new ConfigurationException("Configuration parameter [" + HOSTS + "] must be 0 or more, was [" + b.hosts + "].");
        }
        if (b.maxHosts < 1) {
            throw new ConfigurationException("Configuration parameter [" + MAX_HOSTS + "] must be 1 or more, was [" + b.maxHosts + "].");
        }
        if (b.hosts > b.maxHosts) {
            throw new ConfigurationException("Configuration parameter [" + HOSTS + "] is [" + b.hosts + "], more than ["
                    + MAX_HOSTS + "] which is [" + b.maxHosts + "]; raise " + MAX_HOSTS + ".");
        }
        Subnet parsed = Subnet.parse(SUBNET, b.subnet != null ? b.subnet : DEFAULT_SUBNET);
        if (parsed.capacity() < b.maxHosts) {
            throw new ConfigurationException("Subnet [" + parsed + "] holds [" + parsed.capacity() + "] hosts, fewer than ["
                    + MAX_HOSTS + "] which is [" + b.maxHosts + "]; set " + SUBNET + " to a larger subnet, or ask for fewer hosts.");
        }
        if (b.bridge != null && !BRIDGE_NAME.matcher(b.bridge).matches()) {
            throw new ConfigurationException("Configuration parameter [" + BRIDGE
                    + "] must be a network interface name of 1 to 15 letters, digits, '_', '.' or '-', was [" + b.bridge + "].");
        }
        requirePositive(DOWN_TIME, b.downTime, true);
        requirePositive(BOOT_TIMEOUT, b.bootTimeout, false);
        if (b.bootNiceness < 0 || b.bootNiceness > 19) {
            throw new ConfigurationException("Configuration parameter [" + BOOT_NICENESS + "] must be 0 to 19 (0: boots at the"
                    + " lab's own priority), was [" + b.bootNiceness + "].");
        }
        if (!b.stateDir.isAbsolute()) {
            throw new ConfigurationException("Configuration parameter [" + STATE_DIR + "] must be an absolute path, was [" + b.stateDir + "].");
        }
        this.hosts = b.hosts;
        this.maxHosts = b.maxHosts;
        this.subnet = b.subnet;
        this.bridge = b.bridge;
        this.downTime = b.downTime;
        this.downMode = Objects.requireNonNull(b.downMode, "downMode");
        this.bootTimeout = b.bootTimeout;
        this.bootNiceness = b.bootNiceness;
        this.stateDir = b.stateDir.normalize();
        this.cmdline = Objects.requireNonNull(b.cmdline, "cmdline");
        this.hostCmdlines = Map.copyOf(b.hostCmdlines);
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The options the {@code multihost.lab.*} parameters describe; unset ones keep their defaults. */
    public static LabOptions fromConfig(ProviderConfig config) {
        Builder b = builder()
                .hosts(config.getInt(HOSTS, 0))
                .maxHosts(config.getInt(MAX_HOSTS, 100))
                .downTime(config.getDuration(DOWN_TIME, Duration.ofSeconds(2)))
                .bootTimeout(config.getDuration(BOOT_TIMEOUT, Duration.ofSeconds(60)))
                .bootNiceness(config.getInt(BOOT_NICENESS, DEFAULT_BOOT_NICENESS))
                .stateDir(Path.of(config.get(STATE_DIR, DEFAULT_STATE_DIR)))
                .cmdline(config.get(CMDLINE, DEFAULT_CMDLINE));
        config.get(SUBNET).ifPresent(b::subnet);
        config.get(BRIDGE).ifPresent(b::bridge);
        config.get(DOWN_MODE).ifPresent(mode -> b.downMode(DownMode.parse(DOWN_MODE, mode)));
        String prefix = CMDLINE + ".";
        config.asMap().forEach((key, value) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                b.cmdline(key.substring(prefix.length()), value.strip());
            }
        });
        return b.build();
    }

    /** How many hosts {@link Lab#start(LabOptions)} brings up before returning. */
    public int hosts() {
        return hosts;
    }

    /** The most hosts the lab will hold. */
    public int maxHosts() {
        return maxHosts;
    }

    /** The subnet asked for; empty means the default, or the next free /24 after it. */
    public Optional<String> subnet() {
        return Optional.ofNullable(subnet);
    }

    /** The bridge's name asked for; empty means {@code mhl-<lab id>}. */
    public Optional<String> bridge() {
        return Optional.ofNullable(bridge);
    }

    /** How long a rebooted or crashed host stays down before it boots again. */
    public Duration downTime() {
        return downTime;
    }

    /** What clients see while a host is down. */
    public DownMode downMode() {
        return downMode;
    }

    /** How long one boot may take until sshd answers and the safety check passes. */
    public Duration bootTimeout() {
        return bootTimeout;
    }

    /** How much nicer than the lab a host's boot work runs; its sshd and sessions run as the lab does. */
    public int bootNiceness() {
        return bootNiceness;
    }

    /** The directory under which labs keep their files (one directory per lab). */
    public Path stateDir() {
        return stateDir;
    }

    /** The kernel command line host {@code name} boots with, {@code {host}} replaced. */
    public String cmdline(String name) {
        return hostCmdlines.getOrDefault(name, cmdline).replace("{host}", name);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = builder().hosts(hosts).maxHosts(maxHosts).downTime(downTime).downMode(downMode)
                .bootTimeout(bootTimeout).bootNiceness(bootNiceness).stateDir(stateDir).cmdline(cmdline);
        b.subnet = subnet;
        b.bridge = bridge;
        b.hostCmdlines.putAll(hostCmdlines);
        return b;
    }

    @Override
    public String toString() {
        return "LabOptions[hosts=" + hosts + ", maxHosts=" + maxHosts + ", subnet=" + (subnet == null ? "default" : subnet)
                + ", bridge=" + (bridge == null ? "default" : bridge) + ", downTime=" + downTime + ", downMode=" + downMode
                + ", bootTimeout=" + bootTimeout + ", bootNiceness=" + bootNiceness + ", stateDir=" + stateDir + "]";
    }

    private static void requirePositive(String key, Duration value, boolean zeroAllowed) {
        if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new ConfigurationException("Configuration parameter [" + key + "] must be a positive duration, was [" + value + "].");
        }
    }

    /** Builds {@link LabOptions}; {@link #build()} validates and names the bad parameter. */
    public static final class Builder {
        private int hosts;
        private int maxHosts = 100;
        private String subnet;
        private String bridge;
        private Duration downTime = Duration.ofSeconds(2);
        private DownMode downMode = DownMode.LINK;
        private Duration bootTimeout = Duration.ofSeconds(60);
        private int bootNiceness = DEFAULT_BOOT_NICENESS;
        private Path stateDir = Path.of(DEFAULT_STATE_DIR);
        private String cmdline = DEFAULT_CMDLINE;
        private final Map<String, String> hostCmdlines = new LinkedHashMap<>();

        private Builder() {
        }

        /** How many hosts to bring up at start; 0 unless set. */
        public Builder hosts(int hosts) {
            this.hosts = hosts;
            return this;
        }

        /** The most hosts the lab will hold; 100 unless set. */
        public Builder maxHosts(int maxHosts) {
            this.maxHosts = maxHosts;
            return this;
        }

        /** The subnet in CIDR form, such as {@code 10.253.77.0/24}; null for the default. */
        public Builder subnet(String subnet) {
            this.subnet = subnet;
            return this;
        }

        /** The bridge's name (at most 15 characters); null for {@code mhl-<lab id>}. */
        public Builder bridge(String bridge) {
            this.bridge = bridge;
            return this;
        }

        /** How long a rebooted or crashed host stays down; 2 s unless set. */
        public Builder downTime(Duration downTime) {
            this.downTime = downTime;
            return this;
        }

        /** What clients see while a host is down; {@link DownMode#LINK} unless set. */
        public Builder downMode(DownMode downMode) {
            this.downMode = downMode;
            return this;
        }

        /** How long one boot may take; 60 s unless set. */
        public Builder bootTimeout(Duration bootTimeout) {
            this.bootTimeout = bootTimeout;
            return this;
        }

        /**
         * How much nicer than the lab a host's boot work runs (init, mounts, the boot's safety check),
         * 0 to 19; {@value LabOptions#DEFAULT_BOOT_NICENESS} unless set. Its sshd, and so every
         * session, runs as the lab does.
         */
        public Builder bootNiceness(int bootNiceness) {
            this.bootNiceness = bootNiceness;
            return this;
        }

        /** Where labs keep their files; {@value LabOptions#DEFAULT_STATE_DIR} unless set. */
        public Builder stateDir(Path stateDir) {
            this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
            return this;
        }

        /** The kernel command line for every host; {@code {host}} stands for the host's name. */
        public Builder cmdline(String cmdline) {
            this.cmdline = Objects.requireNonNull(cmdline, "cmdline");
            return this;
        }

        /** The kernel command line for host {@code name} only. */
        public Builder cmdline(String name, String cmdline) {
            hostCmdlines.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(cmdline, "cmdline"));
            return this;
        }

        /** The options; a {@link ConfigurationException} naming the bad parameter otherwise. */
        public LabOptions build() {
            return new LabOptions(this);
        }
    }
}
