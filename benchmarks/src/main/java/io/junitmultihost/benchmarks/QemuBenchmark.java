package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.intArg;
import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.median;
import static io.junitmultihost.benchmarks.SshBenchSupport.round;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.engine.internal.hosts.HostLease;
import io.junitmultihost.engine.internal.hosts.HostPool;
import io.junitmultihost.engine.internal.hosts.HostSettings;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.qemu.QemuHostProviderFactory;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * qemu: one QEMU virtual machine (the qemu provider; KVM or emulation, as the provider chose)
 * rebooted by the engine, from the request until READY with its kernel release and a fresh magic
 * verified ({@code reboot_s}), against the same request awaited the plain way: OpenSSH's
 * {@code ssh} every 100 ms, reading the boot id (so the old boot is not taken for the new one)
 * until a new one answers ({@code boot_s}). Both send the engine's request
 * ({@code nohup sh -c 'sleep 0.2; reboot'}); the rounds alternate.
 *
 * <p>{@code detect_after_listen_p50_ms}: how long after the guest's sshd starts the engine sees UP,
 * through the port forward. "sshd listens" is read without connecting: the guest polls its
 * {@code /proc/net/tcp} every 5 ms after starting sshd and prints a line on its serial console
 * once port 22 is in LISTEN; the console file is polled every 2 ms. {@code guest_ssh_command_p50_ms}:
 * one OpenSSH connection and command to the idle guest (curve25519 and AES-GCM, as JSch negotiates),
 * the floor under any detection; {@code detect_over_guest_ssh_command_ms} is the engine's p50 above it.
 *
 * <p>Arguments: {@code runs=N} (rounds, 3).
 */
public final class QemuBenchmark {

    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final String ASK = "nohup sh -c 'sleep 0.2; reboot' >/dev/null 2>&1 &";
    private static final String SSHD_STARTS = "junit-multihost: sshd listens";
    /** The new boot's own line before it: a line of the old boot (its sshd respawned while going down) does not count. */
    private static final String BOOTED = "junit-multihost: booted";

    private QemuBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int runs = intArg(options, "runs", 3);
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, String> config = Map.of(QemuHostProviderFactory.MAX_HOSTS, "1");
        try (HostProvider provider = new QemuHostProviderFactory().create(new ProviderConfig(config))) {
            HostSpec spec = provider.hosts("node", 1, Set.of(), WAIT).get(0);
            Path scratch = Files.createTempDirectory("qemu-bench");
            try (HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "qemu")), fixed(spec));
                    HostLease lease = pool.lease(QemuBenchmark.class.getSimpleName(), List.of(new RoleDeclaration("node", 1, 1)))) {
                Host host = lease.cluster().hosts().get(0);
                String kernel = spec.labels().get("qemu.kernel");
                Path console = Path.of(spec.labels().get("qemu.console"));
                Path knownHosts = SshBenchSupport.knownHostsFile(scratch, List.of(spec));
                AtomicLong upAt = new AtomicLong();
                pool.events().subscribe(e -> {
                    if (e.to() == HostState.UP) {
                        upAt.set(System.nanoTime());
                    }
                });
                RebootOptions reboot = RebootOptions.defaults().withMagic(true).withExpectedKernelRelease(kernel)
                        .withDownTimeout(Duration.ofMinutes(2)).withUpTimeout(Duration.ofMinutes(3));
                host.reboot(reboot).awaitUp(WAIT); // warm-up: JIT, first contact

                List<Long> engine = new ArrayList<>();
                List<Long> plain = new ArrayList<>();
                List<Long> engineDetect = new ArrayList<>();
                List<Long> plainDetect = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    host.bootId(); // the pooled connection is open, as in a test
                    try (ConsoleWatch sshd = new ConsoleWatch(console)) {
                        long started = System.nanoTime();
                        host.reboot(reboot).awaitUp(WAIT);
                        long took = System.nanoTime() - started;
                        engine.add(took);
                        long detect = upAt.get() - sshd.awaitLine(Duration.ofSeconds(5));
                        engineDetect.add(detect);
                        log("engine: %.2f s to READY, UP seen %d ms after sshd listened", took / 1e9, detect / 1_000_000);
                    }
                    try (ConsoleWatch sshd = new ConsoleWatch(console)) {
                        String old = bootId(spec, knownHosts, Duration.ofSeconds(30));
                        long started = System.nanoTime();
                        SshBenchSupport.run(SshBenchSupport.ssh(spec, knownHosts, "root@" + spec.address(), ASK), Duration.ofSeconds(30));
                        String now = old;
                        while (now == null || now.equals(old)) {
                            long next = System.nanoTime() + Duration.ofMillis(100).toNanos();
                            now = bootId(spec, knownHosts, Duration.ofSeconds(15));
                            if (now == null || now.equals(old)) {
                                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                            }
                            if (System.nanoTime() - started > WAIT.toNanos()) {
                                throw new IllegalStateException("The plain loop saw no new boot within " + WAIT);
                            }
                        }
                        long seen = System.nanoTime();
                        plain.add(seen - started);
                        long detect = seen - sshd.awaitLine(Duration.ofSeconds(5));
                        plainDetect.add(detect);
                        log("ssh loop: %.2f s to a new boot id, seen %d ms after sshd listened", (seen - started) / 1e9, detect / 1_000_000);
                    }
                }
                // The guest's own floor: one connection and command to the idle guest, with the key
                // exchange and cipher JSch negotiates; no detection can see a new boot sooner after sshd listens.
                List<Long> floor = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    floor.add(SshBenchSupport.run(SshBenchSupport.ssh(spec, knownHosts, "-o", "KexAlgorithms=curve25519-sha256",
                            "-o", "Ciphers=aes128-gcm@openssh.com", "root@" + spec.address(), "cat /proc/sys/kernel/random/boot_id"),
                            Duration.ofSeconds(30)));
                }
                double rebootS = median(engine) / 1000;
                double bootS = median(plain) / 1000;
                json.put("bench", "qemu");
                json.put("accel", spec.labels().get("qemu.accel"));
                json.put("reboot_s", round(rebootS));
                json.put("boot_s", round(bootS));
                json.put("ratio", round(rebootS / bootS));
                json.put("detect_after_listen_p50_ms", round(median(engineDetect)));
                json.put("ssh_loop_detect_after_listen_p50_ms", round(median(plainDetect)));
                json.put("guest_ssh_command_p50_ms", round(median(floor)));
                json.put("detect_over_guest_ssh_command_ms", round(median(engineDetect) - median(floor)));
                json.put("kernel", kernel);
                json.put("runs", runs);
                json.put("load_avg_1m", SshBenchSupport.loadAverage());
            } finally {
                SshBenchSupport.deleteTree(scratch);
            }
        }
        System.out.println(SshBenchSupport.json(json));
    }

    /** The boot id read by OpenSSH's client, or null when the host does not answer. */
    private static String bootId(HostSpec spec, Path knownHosts, Duration timeout) {
        try {
            List<String> argv = SshBenchSupport.ssh(spec, knownHosts, "-o", "ConnectTimeout=5", "root@" + spec.address(),
                    "cat /proc/sys/kernel/random/boot_id");
            Process p = new ProcessBuilder(argv).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 && out.length() == 36 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The one machine, handed out as it is. */
    private static HostProvider fixed(HostSpec spec) {
        return new HostProvider() {
            @Override
            public List<HostSpec> hosts(String role, int wanted, Set<String> busy, Duration deadline) {
                return busy.contains(spec.name()) || wanted < 1 ? List.of() : List.of(spec);
            }

            @Override
            public int maxHosts() {
                return 1;
            }

            @Override
            public void close() {
                // The benchmark closes the qemu provider itself.
            }
        };
    }

    /** Polls the guest's serial console file every 2 ms, from now on, for the line sshd's start prints. */
    private static final class ConsoleWatch implements AutoCloseable {

        private final Thread thread;
        private final AtomicLong seenAt = new AtomicLong();
        private volatile boolean stop;

        ConsoleWatch(Path console) throws IOException {
            long from = Files.size(console);
            thread = new Thread(() -> poll(console, from), "qemu-bench-console");
            thread.setDaemon(true);
            thread.start();
        }

        private void poll(Path console, long from) {
            StringBuilder text = new StringBuilder();
            long offset = from;
            byte[] buffer = new byte[65536];
            while (!stop && seenAt.get() == 0) {
                try (RandomAccessFile file = new RandomAccessFile(console.toFile(), "r")) {
                    file.seek(offset);
                    int n;
                    while ((n = file.read(buffer)) > 0) {
                        offset += n;
                        text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    }
                    int booted = text.indexOf(BOOTED);
                    if (booted >= 0 && text.indexOf(SSHD_STARTS, booted) >= 0) {
                        seenAt.set(System.nanoTime());
                        return;
                    }
                    TimeUnit.MILLISECONDS.sleep(2);
                } catch (IOException e) {
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** When the line appeared (System.nanoTime()). */
        long awaitLine(Duration wait) throws InterruptedException {
            thread.join(wait.toMillis());
            if (seenAt.get() == 0) {
                throw new IllegalStateException("The guest's console showed no [" + SSHD_STARTS + "] line");
            }
            return seenAt.get();
        }

        @Override
        public void close() {
            stop = true;
        }
    }
}
