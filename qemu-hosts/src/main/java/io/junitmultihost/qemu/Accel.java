package io.junitmultihost.qemu;

import io.junitmultihost.api.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The accelerator the virtual machines run with, and why: KVM when it can boot a kernel here,
 * software emulation (TCG) otherwise. A {@code /dev/kvm} that exists is not enough (nested or
 * restricted hosts have one that cannot run a stock kernel), so KVM is tried: a probe machine
 * boots the kernel and must print its banner on the serial console within {@link #PROBE}.
 *
 * @param name {@code kvm} or {@code tcg}, QEMU's name
 * @param why how it was chosen, for the log and benchmarks
 */
record Accel(String name, String why) {

    /** How long a KVM probe may take to print the kernel's banner (under KVM it takes well under a second). */
    static final Duration PROBE = Duration.ofSeconds(5);

    /** Chooses for {@code wanted} ({@code auto}, {@code kvm} or {@code tcg}), probing with {@code kernel} where needed. */
    static Accel choose(String wanted, Path kernel, Path scratch) {
        if (wanted.equals("tcg")) {
            return new Accel("tcg", "software emulation, as multihost.qemu.accel=tcg asks");
        }
        String problem = kvmProblem(kernel, scratch);
        if (problem == null) {
            return new Accel("kvm", "KVM: a probe machine booted the kernel");
        }
        if (wanted.equals("kvm")) {
            throw new ConfigurationException("Configuration parameter [" + QemuHostProviderFactory.ACCEL + "] = [kvm], but KVM cannot"
                    + " run a kernel here: " + problem + ". Use auto or tcg (software emulation).");
        }
        return new Accel("tcg", "software emulation: " + problem);
    }

    /** Null when KVM boots {@code kernel}, else why not. */
    private static String kvmProblem(Path kernel, Path scratch) {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) {
            return "there is no /dev/kvm";
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return "/dev/kvm is not readable and writable by this user";
        }
        Path console = scratch.resolve("kvm-probe.log");
        Path errors = scratch.resolve("kvm-probe.err");
        Process probe;
        try {
            Files.deleteIfExists(console);
            probe = QemuVm.startDyingWithThisJvm(new ProcessBuilder(List.of(QemuVm.QEMU, "-accel", "kvm", "-m", "128",
                    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-serial", "file:" + console,
                    "-kernel", kernel.toString(), "-append", "console=ttyS0 panic=-1"))
                    .redirectErrorStream(true).redirectOutput(errors.toFile()));
        } catch (IOException e) {
            return "QEMU did not start: " + e.getMessage();
        }
        try {
            long end = System.nanoTime() + PROBE.toNanos();
            while (System.nanoTime() < end) {
                if (Files.exists(console) && Files.readString(console, StandardCharsets.ISO_8859_1).contains("Linux version")) {
                    return null;
                }
                if (probe.waitFor(50, TimeUnit.MILLISECONDS)) {
                    if (Files.exists(console) && Files.readString(console, StandardCharsets.ISO_8859_1).contains("Linux version")) {
                        return null;
                    }
                    return "a KVM machine exited with [" + probe.exitValue() + "] before the kernel printed anything: ["
                            + Exec.shorten(Files.readString(errors, StandardCharsets.UTF_8).strip()) + "]";
                }
            }
            return "a KVM machine started but the kernel printed nothing within [" + PROBE.toSeconds() + " s]";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing KVM";
        } finally {
            probe.destroyForcibly();
            try {
                probe.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
