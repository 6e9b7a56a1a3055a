package io.junitmultihost.qemu;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The qemu provider's settings, read from {@code multihost.qemu.*} (see
 * {@link QemuHostProviderFactory} for each key).
 */
record QemuOptions(int hosts, int maxHosts, int memoryMib, String accel, Optional<String> kernel, List<String> kernels,
        String cmdline, Duration bootTimeout, Path cacheDir, boolean shareJava) {

    static final String DEFAULT_CMDLINE = "console=ttyS0 panic=1 quiet";
    static final int DEFAULT_MAX_HOSTS = 3;
    static final int DEFAULT_MEMORY_MIB = 256;
    /** With the controller's Java shared: room for remote JVMs with the test's classpath (a bare one peaks at about 66 MiB). */
    static final int DEFAULT_MEMORY_MIB_WITH_JAVA = 512;

    static QemuOptions fromConfig(ProviderConfig config) {
        int max = config.getInt(QemuHostProviderFactory.MAX_HOSTS, DEFAULT_MAX_HOSTS);
        if (max < 1) {
            throw new ConfigurationException("Configuration parameter [" + QemuHostProviderFactory.MAX_HOSTS + "] must be at least 1, was ["
                    + max + "].");
        }
        int hosts = config.getInt(QemuHostProviderFactory.HOSTS, 0);
        if (hosts < 0 || hosts > max) {
            throw new ConfigurationException("Configuration parameter [" + QemuHostProviderFactory.HOSTS + "] must be 0.." + max
                    + " (" + QemuHostProviderFactory.MAX_HOSTS + "), was [" + hosts + "].");
        }
        boolean shareJava = config.getBoolean(QemuHostProviderFactory.SHARE_JAVA, true);
        int memory = config.getInt(QemuHostProviderFactory.MEMORY, shareJava ? DEFAULT_MEMORY_MIB_WITH_JAVA : DEFAULT_MEMORY_MIB);
        if (memory < 128) {
            throw new ConfigurationException("Configuration parameter [" + QemuHostProviderFactory.MEMORY + "] must be at least 128 (MiB), was ["
                    + memory + "].");
        }
        String accel = config.get(QemuHostProviderFactory.ACCEL, "auto");
        if (!List.of("auto", "kvm", "tcg").contains(accel)) {
            throw new ConfigurationException("Configuration parameter [" + QemuHostProviderFactory.ACCEL + "] must be auto, kvm or tcg, was ["
                    + accel + "].");
        }
        List<String> kernels = config.get(QemuHostProviderFactory.KERNELS).map(v -> Arrays.stream(v.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toList())).orElse(List.of());
        Path cache = config.get(QemuHostProviderFactory.CACHE_DIR).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "junit-multihost", "qemu"));
        return new QemuOptions(hosts, max, memory, accel, config.get(QemuHostProviderFactory.KERNEL), kernels,
                config.get(QemuHostProviderFactory.CMDLINE, DEFAULT_CMDLINE),
                config.getDuration(QemuHostProviderFactory.BOOT_TIMEOUT, Duration.ofMinutes(2)), cache, shareJava);
    }
}
