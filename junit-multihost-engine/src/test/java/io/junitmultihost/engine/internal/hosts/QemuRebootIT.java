package io.junitmultihost.engine.internal.hosts;

import static io.junitmultihost.api.HostState.DOWN;
import static io.junitmultihost.api.HostState.PREPARING;
import static io.junitmultihost.api.HostState.READY;
import static io.junitmultihost.api.HostState.REQUESTED;
import static io.junitmultihost.api.HostState.UP;
import static io.junitmultihost.api.HostState.VERIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostEvent;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.StateWatch;
import io.junitmultihost.api.Reboot;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootOutcome;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine's reboots against real kernels: a QEMU virtual machine (qemu provider) whose boot
 * loader boots what the guest's entries name. The engine's magic goes through the one-time
 * command line, a second Debian kernel is installed and booted, and a boot that came back on the
 * old kernel is rejected and retried. Fails when QEMU cannot run here on CI or as root
 * ({@link MustNotSkip}); skips, saying why, elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuRebootIT {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final RebootOptions QUICK = RebootOptions.defaults().withDownTimeout(Duration.ofSeconds(60))
            .withUpTimeout(Duration.ofSeconds(120));

    private HostPool pool;
    private HostLease lease;
    private Host host;
    private String defaultKernel;
    private String otherKernel;

    @BeforeAll
    void startVm() {
        MustNotSkip.requireQemu();
        try {
            pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "qemu", "multihost.qemu.max-hosts", "1",
                    "multihost.qemu.kernels", "previous", "multihost.hosts.timeout", "5m")));
            lease = pool.lease(QemuRebootIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)));
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
        host = lease.cluster().hosts().get(0);
        defaultKernel = host.labels().get("qemu.kernel");
        otherKernel = host.labels().get("qemu.kernels");
    }

    @AfterAll
    void stopVm() {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    @Order(1)
    void theEnginesMagicGoesThroughTheOneTimeCommandLineAndIsVerified() {
        assertThat(host.execShell("uname -r").stdout().strip()).isEqualTo(defaultKernel);
        String before = host.bootId();

        Reboot reboot = host.reboot(QUICK.withMagic(true).withExpectedKernelRelease(defaultKernel));
        String after = reboot.awaitUp(WAIT);

        assertThat(after).isNotEqualTo(before).isEqualTo(host.bootId());
        assertThat(reboot.history()).extracting(HostEvent::to).containsExactly(PREPARING, REQUESTED, DOWN, UP, VERIFIED, READY);
        assertThat(host.cmdline()).matches("console=ttyS0 panic=1 quiet multihost\\.magic=[0-9a-f]{16}");
        assertThat(host.execShell("ls /boot/loader").stdout()).as("the one-time entry was used up").doesNotContain("next-cmdline");
    }

    @Test
    @Order(2)
    void aSecondKernelInstalledAndChosenOnceIsBootedWithTheMagicThenTheDefaultReturns() {
        assertThat(otherKernel).isNotBlank().isNotEqualTo(defaultKernel);
        install(otherKernel);

        AtomicReference<String> magic = new AtomicReference<>();
        Reboot reboot = host.reboot(QUICK.withMagic(true).withExpectedKernelRelease(otherKernel)
                .withPrepare((h, attempt) -> {
                    magic.set(attempt.magic().orElseThrow());
                    choose(h, otherKernel, magic.get());
                }));
        reboot.awaitUp(WAIT);

        assertThat(host.execShell("uname -r").stdout().strip()).isEqualTo(otherKernel);
        assertThat(host.cmdline()).endsWith(" " + magic.get());

        host.reboot(QUICK.withExpectedKernelRelease(defaultKernel)).awaitUp(WAIT);
        assertThat(host.execShell("uname -r").stdout().strip()).as("a one-time entry is used once").isEqualTo(defaultKernel);
    }

    @Test
    @Order(3)
    void aBootThatCameBackOnTheOldKernelIsRejectedAndRetried() {
        install(otherKernel);

        // The first attempt leaves the old entry in place (only the magic changes), as a boot
        // loader update that did not take would; the second chooses the new kernel.
        Reboot reboot = host.reboot(QUICK.withMagic(true).withExpectedKernelRelease(otherKernel).withMaxRetries(1)
                .withPrepare((h, attempt) -> {
                    if (attempt.number() == 1) {
                        h.execShell("printf '%s\\n' 'console=ttyS0 panic=1 quiet " + attempt.magic().orElseThrow()
                                + "' > /boot/loader/next-cmdline").assertSuccess();
                    } else {
                        choose(h, otherKernel, attempt.magic().orElseThrow());
                    }
                }));
        RebootOutcome outcome = reboot.awaitOutcome(WAIT.multipliedBy(2));

        assertThat(outcome.isReady()).as(outcome.describe()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(reboot.history()).filteredOn(e -> e.to() == PREPARING).hasSize(2);
        assertThat(reboot.history()).anySatisfy(e -> assertThat(e.detail()).contains(defaultKernel));
        assertThat(host.execShell("uname -r").stdout().strip()).isEqualTo(otherKernel);
    }

    @Test
    @Order(4)
    void powerOffAndOnKillAndBootTheMachineAndAreStatesAWatchSees() {
        String before = host.bootId();
        try (StateWatch watch = lease.cluster().states().watch(host, HostState.POWERED_OFF, HostState.READY)) {
            host.power().off(Duration.ofSeconds(30));
            host.power().on(WAIT);

            watch.await(Duration.ofSeconds(5)).assertAllReached();
        }
        assertThat(host.bootId()).isNotEqualTo(before);
        assertThat(host.execShell("uname -r").stdout().strip()).isEqualTo(defaultKernel);
    }

    @Test
    @Order(5)
    void aGuestKernelPanicIsAnUnaskedRebootAWatchSees() {
        String before = host.bootId();
        try (StateWatch watch = lease.cluster().states().watch(host, HostState.REBOOTED)) {
            host.execShell("setsid sh -c 'sleep 1; echo c > /proc/sysrq-trigger' </dev/null >/dev/null 2>&1 &").assertSuccess();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> !host.bootId().equals(before));

            watch.await(Duration.ofSeconds(5)).assertAllReached();
        }
    }

    /**
     * Installs a kernel and its initramfs in the guest's /boot, as a package from a mirror would:
     * the guest fetches them over HTTP from this JVM (QEMU's user network reaches the machine's
     * loopback as 10.0.2.2). (Guests once ran dropbear, whose
     * connection died on an exec right after an SFTP upload, mkj/dropbear#321; they run OpenSSH now.)
     */
    private void install(String version) {
        Path dir = Path.of(host.labels().get("qemu.kernel-dir"));
        HttpServer mirror;
        try {
            mirror = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mirror.createContext("/", exchange -> {
            Path file = dir.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, Files.size(file));
                try (OutputStream out = exchange.getResponseBody()) {
                    Files.copy(file, out);
                }
            }
            exchange.close();
        });
        mirror.start();
        try {
            String base = "http://10.0.2.2:" + mirror.getAddress().getPort() + "/";
            String fetch = List.of("vmlinuz-", "initrd.img-").stream()
                    .map(f -> "wget -q -O /boot/" + f + version + ".new " + base + f + version + " && mv /boot/" + f + version + ".new /boot/" + f + version)
                    .collect(Collectors.joining(" && "));
            host.execShell(fetch + " && sync", Duration.ofMinutes(2)).assertSuccess();
        } finally {
            mirror.stop(0);
        }
        assertThat(host.execShell("ls /boot").stdout()).contains("vmlinuz-" + version, "initrd.img-" + version);
    }

    /** What grub-reboot does: the next boot, once, starts {@code version} with {@code magic} on its command line. */
    private static void choose(Host h, String version, String magic) {
        h.execShell("echo " + version + " > /boot/loader/next-kernel && printf '%s\\n' 'console=ttyS0 panic=1 quiet " + magic
                + "' > /boot/loader/next-cmdline && sync").assertSuccess();
    }
}
