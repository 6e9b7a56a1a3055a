package io.junitmultihost.qemu;

import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostProviderFactory;
import io.junitmultihost.spi.ProviderConfig;

/**
 * Creates the qemu host provider ({@code multihost.provider=qemu}; Linux): each host is a Linux
 * virtual machine booted by QEMU from a Debian kernel package ({@code linux-image-*-cloud-amd64}),
 * with busybox and OpenSSH's sshd in an initramfs, named {@code qemu-1}, {@code qemu-2}, ..., started on
 * demand. KVM when it can boot a kernel here, software emulation otherwise (the log says which).
 * Found by {@link java.util.ServiceLoader}; users do not call it. See docs/QEMU.md.
 */
public final class QemuHostProviderFactory implements HostProviderFactory {

    /** The name users select this provider by: {@value}. */
    public static final String NAME = "qemu";

    /** How many machines to start when the run begins, before any test asks: {@value}; default 0. */
    public static final String HOSTS = "multihost.qemu.hosts";

    /** How many machines run at most: {@value}; default 3. */
    public static final String MAX_HOSTS = "multihost.qemu.max-hosts";

    /** Each machine's memory in MiB: {@value}; default 512 with {@link #SHARE_JAVA}, else 256. */
    public static final String MEMORY = "multihost.qemu.memory";

    /** The accelerator: {@value}; {@code auto} (KVM when it boots a kernel here, else TCG; the default), {@code kvm} or {@code tcg}. */
    public static final String ACCEL = "multihost.qemu.accel";

    /**
     * The kernel the machines boot by default, a Debian package version such as
     * {@code 6.1.0-57-cloud-amd64}: {@value}; default the one {@code linux-image-cloud-amd64} depends on.
     */
    public static final String KERNEL = "multihost.qemu.kernel";

    /**
     * More kernels to offer for installing, comma-separated versions, or {@code previous} for the
     * newest one older than the default: {@value}; default none. Their files are in the directory
     * named by each host's label {@code qemu.kernel-dir} ({@code vmlinuz-<version>},
     * {@code initrd.img-<version>}), for a test to copy to the guest's {@code /boot}.
     */
    public static final String KERNELS = "multihost.qemu.kernels";

    /** The default kernel command line: {@value}; default {@value QemuOptions#DEFAULT_CMDLINE}. */
    public static final String CMDLINE = "multihost.qemu.cmdline";

    /** How long a boot may take until the guest's sshd answers: {@value}; default 2m. */
    public static final String BOOT_TIMEOUT = "multihost.qemu.boot-timeout";

    /** Where fetched kernel packages are kept between runs: {@value}; default {@code ~/.cache/junit-multihost/qemu}. */
    public static final String CACHE_DIR = "multihost.qemu.cache-dir";

    /**
     * Whether the guests run the controller's Java: {@value}; default {@code true}. Its
     * {@code java.home} is at the same path in each guest (on a read-only disk), and {@code java}
     * on the guests' PATH.
     */
    public static final String SHARE_JAVA = "multihost.qemu.share-java";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HostProvider create(ProviderConfig config) {
        return new QemuHostProvider(QemuOptions.fromConfig(config));
    }
}
