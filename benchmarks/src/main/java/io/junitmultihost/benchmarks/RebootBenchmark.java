package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.intArg;
import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.median;
import static io.junitmultihost.benchmarks.SshBenchSupport.round;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.HostState;
import io.junitmultihost.api.Quorum;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.api.RebootResults;
import io.junitmultihost.engine.internal.hosts.HostLease;
import io.junitmultihost.engine.internal.hosts.HostPool;
import io.junitmultihost.engine.internal.hosts.HostSettings;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.lab.DownMode;
import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabHost;
import io.junitmultihost.lab.LabOptions;
import io.junitmultihost.spi.HostProvider;
import io.junitmultihost.spi.HostSpec;
import io.junitmultihost.spi.ProviderConfig;
import io.junitmultihost.ssh.RemoteCommand;
import io.junitmultihost.ssh.RemoteResult;
import io.junitmultihost.ssh.SshException;
import io.junitmultihost.ssh.SshHost;
import io.junitmultihost.ssh.SshPool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * reboot: the wall time to reboot 1 lab host and all lab hosts at once with the engine's reboot
 * state machines, the delay between sshd accepting again and the reboot being seen complete, and
 * the same reboots driven the way Ansible's reboot module waits (a check over the persistent
 * connection, retried with 2^n s plus up to 1 s of jitter, capped at 12 s; then {@code whoami}).
 *
 * <p>"sshd accepting" is read from outside, without connecting: the lab host's network namespace's
 * {@code /proc/PID/net/tcp} shows port 22 in LISTEN, polled every 2 ms for the hosts sampled
 * (every tenth of the hundred). {@code detect_p50_ms} is the median over the single-host runs; the
 * hundred hosts' sample is beside it ({@code detect_p50_hundred_hosts_ms}), where 2 cores are busy
 * with 100 boots and handshakes.
 *
 * <p>Arguments: {@code hosts=N} (100), {@code down=DURATION} (the lab's down time, {@code 15s}: a
 * fast real machine's reboot), {@code down-mode=refuse|link} ({@code refuse}: connections to a down
 * host are refused, so the Ansible-style loop waits by its backoff rather than by the kernel's SYN
 * retries within its 10 s connect timeout), {@code runs=N} (single-host reboots, 3),
 * {@code boot-niceness=N} (the lab's {@code multihost.lab.boot-niceness}, 5),
 * {@code rounds=N} (100-host reboots, each followed by the Ansible-style peer's, 3; the figures are
 * the medians), {@code subnet=...}.
 */
public final class RebootBenchmark {

    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final Pattern AFTER_BANNER = Pattern.compile("in \\[(\\d+) ms\\] once sshd sent its banner");
    private static final RebootOptions OPTIONS = RebootOptions.defaults().withDownTimeout(Duration.ofMinutes(2))
            .withUpTimeout(Duration.ofMinutes(3));
    private static final RemoteCommand BOOT_ID = RemoteCommand.argv("cat", "/proc/sys/kernel/random/boot_id");
    private static final String ASK = "nohup sh -c 'sleep 0.2; reboot' >/dev/null 2>&1 &";

    private RebootBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int count = intArg(options, "hosts", 100);
        int runs = intArg(options, "runs", 3);
        int rounds = intArg(options, "rounds", 3);
        Duration down = ProviderConfig.parseDuration("down", options.getOrDefault("down", "15s"));
        DownMode downMode = DownMode.valueOf(options.getOrDefault("down-mode", "refuse").toUpperCase(Locale.ROOT));
        LabOptions.Builder labOptions = LabOptions.builder().hosts(count).maxHosts(count).downTime(down)
                .downMode(downMode).bootTimeout(Duration.ofSeconds(180))
                .bootNiceness(intArg(options, "boot-niceness", LabOptions.DEFAULT_BOOT_NICENESS));
        if (options.containsKey("subnet")) {
            labOptions.subnet(options.get("subnet"));
        }
        long labStart = System.nanoTime();
        Map<String, Object> json = new LinkedHashMap<>();
        try (Lab lab = Lab.start(labOptions.build());
                HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab",
                        "multihost.hosts.timeout", "10m")), provider(lab));
                HostLease lease = pool.lease(RebootBenchmark.class.getSimpleName(),
                        List.of(new RoleDeclaration("node", count, count)))) {
            log("lab of %d hosts up and leased in %d ms; down time %s, down mode %s", count,
                    (System.nanoTime() - labStart) / 1_000_000, down, downMode);
            Cluster cluster = lease.cluster();
            List<Host> hosts = cluster.hosts();
            Map<String, Long> ready = new ConcurrentHashMap<>();
            // how long the handshake and the boot read took once the banner came, from UP's detail
            Map<String, Long> afterBanner = new ConcurrentHashMap<>();
            pool.events().subscribe(e -> {
                if (e.to() == HostState.READY) {
                    ready.put(e.host(), System.nanoTime());
                }
                Matcher m = AFTER_BANNER.matcher(e.detail());
                if (e.to() == HostState.UP && m.find()) {
                    afterBanner.put(e.host(), Long.parseLong(m.group(1)));
                }
            });
            Set<String> sample = new HashSet<>();
            for (int i = 0; i < count; i += Math.max(1, count / 10)) {
                sample.add(hosts.get(i).name());
            }
            // both sides connect with the same transport (the Ansible-style peer too, through an SshPool)
            Path scratch = Files.createTempDirectory("reboot-bench");
            Algorithms algorithms;
            try {
                algorithms = Algorithms.ofJsch(lab.hosts().get(0).spec(),
                        SshBenchSupport.knownHostsFile(scratch, List.of(lab.hosts().get(0).spec())));
            } finally {
                SshBenchSupport.deleteTree(scratch);
            }
            try (SshdWatch sshd = SshdWatch.start(lab)) {
                connectAll(cluster);
                hosts.get(count - 1).reboot(OPTIONS).awaitUp(WAIT); // warm-up: JIT, first contact

                List<Long> one = new ArrayList<>();
                List<Long> oneDetect = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    Host host = hosts.get(run);
                    host.bootId(); // the pooled connection is open, as in a test
                    sshd.arm(Set.of(host.name()));
                    long started = System.nanoTime();
                    host.reboot(OPTIONS).awaitUp(WAIT);
                    long returned = System.nanoTime();
                    one.add(returned - started);
                    List<Long> detect = sshd.detections(Map.of(host.name(), returned));
                    oneDetect.addAll(detect);
                    log("1 host: %.2f s, up seen %s ms after sshd accepted", one.get(run) / 1e9, millis(detect));
                }

                // the 100-host reboot and its Ansible-style peer, in turn, round by round
                List<Long> hundred = new ArrayList<>();
                List<Long> ansible = new ArrayList<>();
                List<Double> paired = new ArrayList<>();
                List<Long> hundredDetect = new ArrayList<>();
                List<Long> hundredAfterBanner = new ArrayList<>();
                List<Long> ansibleDetect = new ArrayList<>();
                Cpu spent = new Cpu(0, 0);
                for (int round = 0; round < rounds; round++) {
                    connectAll(cluster);
                    Cpu before = Cpu.now();
                    sshd.arm(sample);
                    ready.keySet().removeAll(sample);
                    long started = System.nanoTime();
                    RebootResults results = cluster.reboot(hosts, Quorum.all(), OPTIONS);
                    long wall = System.nanoTime() - started;
                    spent = spent.plus(Cpu.now().minus(before));
                    if (!results.allReady()) {
                        throw new IllegalStateException("Not every host rebooted: " + results.missing());
                    }
                    // READY is published just after the state changes; give the listener a moment
                    long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                    while (!ready.keySet().containsAll(sample) && System.nanoTime() < settle) {
                        Thread.sleep(1);
                    }
                    List<Long> detect = sshd.detections(sample.stream().filter(ready::containsKey)
                            .collect(Collectors.toMap(h -> h, ready::get)));
                    hundred.add(wall);
                    hundredDetect.addAll(detect);
                    List<Long> handshakes = sample.stream().map(afterBanner::get).filter(Objects::nonNull).toList();
                    hundredAfterBanner.addAll(handshakes);
                    log("round %d, %d hosts: %.2f s, up seen %s ms after sshd accepted (sample), of which %s ms from"
                            + " the banner to the boot read", round + 1, count, wall / 1e9, millis(detect), handshakes);

                    AnsibleStyle peer = AnsibleStyle.run(lab, sshd, sample);
                    ansible.add(peer.wallNanos());
                    ansibleDetect.addAll(peer.detect());
                    paired.add((double) peer.wallNanos() / wall);
                    log("round %d, %d hosts the Ansible way: %.2f s, up seen %s ms after sshd accepted (sample)", round + 1,
                            count, peer.wallNanos() / 1e9, millis(peer.detect()));
                }
                spent = spent.per(rounds);
                log("CPU per host per 100-host reboot: %.0f ms machine, %.0f ms JVM", spent.machineMillis() / count,
                        spent.jvmMillis() / count);

                connectAll(cluster);
                Cpu reconnect = reconnectCost(cluster);
                log("one fresh connection and boot id read: %.1f ms CPU machine-wide, %.1f ms in this JVM",
                        reconnect.machineMillis(), reconnect.jvmMillis());

                double oneS = median(one) / 1000;
                double hundredS = median(hundred) / 1000;
                double ansibleS = median(ansible) / 1000;
                log("medians: 1 host %.2f s (%d runs); %d hosts %.2f s, Ansible-style %.2f s (%d rounds)", oneS, runs, count,
                        hundredS, ansibleS, rounds);
                json.put("bench", "reboot");
                json.put("one_host_s", round(oneS));
                json.put("hundred_hosts_s", round(hundredS));
                json.put("ratio", round(hundredS / oneS));
                json.put("detect_p50_ms", round(median(oneDetect)));
                json.put("ansible_style_hundred_s", round(ansibleS));
                json.put("ratio_vs_ansible_style", round(ansibleS / hundredS));
                json.put("ratio_vs_ansible_style_paired", round(medianOf(paired)));
                json.put("hosts", count);
                json.put("runs", runs);
                json.put("rounds", rounds);
                json.put("down_s", round(down.toMillis() / 1000.0));
                json.put("down_mode", downMode.name().toLowerCase(Locale.ROOT));
                json.put("boot_niceness", labOptions.build().bootNiceness());
                json.put("detect_p50_one_host_ms", round(median(oneDetect)));
                json.put("detect_p50_hundred_hosts_ms", round(median(hundredDetect)));
                json.put("banner_to_up_p50_hundred_hosts_ms", round(median(hundredAfterBanner.stream()
                        .map(ms -> ms * 1_000_000).toList())));
                json.put("ansible_style_detect_p50_ms", round(median(ansibleDetect)));
                json.put("detect_samples", oneDetect.size() + hundredDetect.size() + ansibleDetect.size());
                json.put("detect_missed", sshd.missed());
                json.put("reconnect_cpu_ms", round(reconnect.machineMillis()));
                json.put("reconnect_jvm_cpu_ms", round(reconnect.jvmMillis()));
                json.put("hundred_cpu_ms_per_host", round(spent.machineMillis() / count));
                json.put("hundred_jvm_cpu_ms_per_host", round(spent.jvmMillis() / count));
                algorithms.putJson(json, "ours");
                algorithms.putJson(json, "ansible_style");
                json.put("load_avg_1m", SshBenchSupport.loadAverage());
            }
        }
        System.out.println(SshBenchSupport.json(json));
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String millis(List<Long> nanos) {
        return nanos.stream().map(n -> Long.toString(n / 1_000_000)).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Every host once over its pooled connection, so that a timed run starts as a test's reboot would. */
    private static void connectAll(Cluster cluster) {
        cluster.onAll(Host::bootId, WAIT);
    }

    /** The CPU one fresh SSH connection with a boot id read costs: one per host, one after the other, on idle hosts. */
    private static Cpu reconnectCost(Cluster cluster) {
        try (SshPool fresh = SshPool.create()) {
            List<SshHost> targets = cluster.hosts().stream()
                    .map(h -> fresh.host(SshBenchSupport.target(SPECS.get(h.name())))).toList();
            Cpu before = Cpu.now();
            for (SshHost target : targets) {
                target.execFresh(BOOT_ID, Duration.ofSeconds(30));
            }
            return Cpu.now().minus(before).per(targets.size());
        }
    }

    /** How each lab host is reached, for the benchmark's own pools. */
    private static final Map<String, HostSpec> SPECS = new ConcurrentHashMap<>();

    /** The lab's hosts as a provider hands them out (and as the benchmark's own pools reach them). */
    private static HostProvider provider(Lab lab) {
        lab.hosts().forEach(h -> SPECS.put(h.name(), h.spec()));
        return new HostProvider() {
            @Override
            public List<HostSpec> hosts(String role, int wanted, Set<String> busy, Duration deadline) {
                return lab.hosts().stream().filter(h -> !busy.contains(h.name())).limit(wanted).map(LabHost::spec).toList();
            }

            @Override
            public void close() {
                // the lab is closed by the benchmark
            }
        };
    }

    /**
     * The same reboots driven as Ansible's reboot module waits: each host on its own thread, the
     * boot id read over the persistent connection (reset after a connection failure) until it
     * differs, then {@code whoami}, each step retried after 2^n s plus up to 1 s, capped at 12 s.
     */
    record AnsibleStyle(long wallNanos, List<Long> detect) {

        static AnsibleStyle run(Lab lab, SshdWatch sshd, Set<String> sample) throws InterruptedException {
            Map<String, Long> done = new ConcurrentHashMap<>();
            try (SshPool pool = SshPool.create()) {
                List<LabHost> hosts = lab.hosts();
                Map<String, SshHost> ssh = new LinkedHashMap<>();
                hosts.forEach(h -> ssh.put(h.name(), pool.host(SshBenchSupport.target(h.spec()))));
                pool.execEach(ssh.values(), RemoteCommand.argv("true"), WAIT); // persistent connections, as ControlMaster
                sshd.arm(sample);
                CountDownLatch finished = new CountDownLatch(hosts.size());
                long started = System.nanoTime();
                for (LabHost host : hosts) {
                    Thread thread = new Thread(() -> {
                        try {
                            reboot(ssh.get(host.name()));
                            done.put(host.name(), System.nanoTime());
                        } catch (RuntimeException e) {
                            log("Ansible-style reboot of %s failed: %s", host.name(), e.getMessage());
                        } finally {
                            finished.countDown();
                        }
                    }, "ansible-style-" + host.name());
                    thread.setDaemon(true);
                    thread.start();
                }
                if (!finished.await(WAIT.toMillis(), TimeUnit.MILLISECONDS) || done.size() < hosts.size()) {
                    throw new IllegalStateException("The Ansible-style reboots did not all finish within " + WAIT + ".");
                }
                long wall = done.values().stream().mapToLong(Long::longValue).max().orElseThrow() - started;
                return new AnsibleStyle(wall, sshd.detections(sample.stream()
                        .collect(Collectors.toMap(h -> h, done::get))));
            }
        }

        private static void reboot(SshHost host) {
            String old = host.exec(BOOT_ID, Duration.ofSeconds(30)).stdoutText().strip();
            try {
                host.exec(RemoteCommand.shell(ASK), Duration.ofSeconds(30));
            } catch (SshException e) {
                // dropped while asking: Ansible treats it as success too
            }
            untilSuccess(host, () -> {
                RemoteResult read = host.exec(BOOT_ID, Duration.ofSeconds(30));
                String now = read.stdoutText().strip();
                if (read.exitCode() != 0 || now.isEmpty() || now.equals(old)) {
                    throw new IllegalStateException("boot time has not changed");
                }
            });
            untilSuccess(host, () -> {
                if (host.exec(RemoteCommand.argv("whoami"), Duration.ofSeconds(30)).exitCode() != 0) {
                    throw new IllegalStateException("test command failed");
                }
            });
        }

        /** Ansible's do_until_success_or_timeout: 2**fail_count + random(0, 1), capped at 12 + random(0, 1). */
        private static void untilSuccess(SshHost host, Runnable action) {
            long end = System.nanoTime() + WAIT.toNanos();
            int failCount = 0;
            while (System.nanoTime() < end) {
                try {
                    action.run();
                    return;
                } catch (RuntimeException e) {
                    if (e instanceof SshException) {
                        host.disconnect(); // self._connection.reset()
                    }
                    double jitter = ThreadLocalRandom.current().nextInt(0, 1001) / 1000.0;
                    double sleep = Math.pow(2, failCount) + jitter;
                    if (sleep > 12) {
                        sleep = 12 + jitter;
                    }
                    failCount++;
                    try {
                        Thread.sleep((long) (sleep * 1000));
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(interrupted);
                    }
                }
            }
            throw new IllegalStateException("timed out");
        }
    }

    /**
     * When each watched lab host's sshd listens again, read from outside: a lab host's init (found
     * by its command line) lives in the host's network namespace, so its {@code /proc/PID/net/tcp}
     * lists the host's sockets; port 22 in LISTEN on an init other than the one before the reboot
     * means the new boot's sshd accepts connections. Inits are looked for every 20 ms, sockets
     * every 2 ms once the init has started sshd, on a thread reniced to -15; it connects to nothing.
     */
    static final class SshdWatch implements AutoCloseable {

        private static final long SCAN_NANOS = Duration.ofMillis(20).toNanos();
        private static final long EMPTY_NANOS = Duration.ofSeconds(1).toNanos();
        private static final long STALE_NANOS = Duration.ofMillis(100).toNanos();

        private final Lab lab;
        private final Map<String, Long> initPid = new ConcurrentHashMap<>();
        private final Map<String, Long> oldPid = new ConcurrentHashMap<>();
        private final Map<String, Long> accepted = new ConcurrentHashMap<>();
        private Set<Long> lastListing = new HashSet<>();
        private long lastListingNanos;
        private final Set<Long> candidates = new HashSet<>();
        private final Map<Long, Long> emptySince = new java.util.HashMap<>();
        private final Set<String> waiting = ConcurrentHashMap.newKeySet();
        private final Thread thread;
        private volatile boolean closed;
        private int missed;

        private SshdWatch(Lab lab) {
            this.lab = lab;
            this.thread = new Thread(this::loop, "sshd-watch");
            this.thread.setDaemon(true);
        }

        static SshdWatch start(Lab lab) {
            SshdWatch watch = new SshdWatch(lab);
            watch.scan();
            watch.thread.start();
            watch.raisePriority();
            return watch;
        }

        /**
         * Renices this thread (found by name among the JVM's tasks) to -15, so that 100 hosts booting
         * on 2 cores do not delay the moment it notes; the benchmark runs as root for the lab anyway.
         */
        private void raisePriority() {
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    if (Files.readString(task.resolve("comm")).strip().equals(thread.getName())) {
                        SshBenchSupport.runQuietly(List.of("renice", "-n", "-15", "-p", task.getFileName().toString()),
                                Duration.ofSeconds(10));
                    }
                }
            } catch (IOException | RuntimeException e) {
                log("could not raise the priority of the sshd watch: %s", e);
            }
        }

        /** Starts watching {@code hosts} for their next boot's sshd. */
        synchronized void arm(Set<String> hosts) {
            scan();
            for (String host : hosts) {
                oldPid.put(host, initPid.getOrDefault(host, -1L));
                accepted.remove(host);
                waiting.add(host);
            }
        }

        /**
         * For each host seen up at the given {@link System#nanoTime()}, how long after its new sshd
         * was first seen listening. A host whose sshd the watch did not see listening by then (on
         * a heavily loaded machine the watch can fall behind the reboot it watches) is left out and
         * counted in {@link #missed()}, never timed from a late sighting.
         */
        List<Long> detections(Map<String, Long> seenUp) {
            List<Long> detections = new ArrayList<>();
            seenUp.forEach((host, up) -> {
                Long at = accepted.get(host);
                if (at == null || at > up) {
                    missed++;
                    Long pid = initPid.get(host);
                    log("sshd of %s was not seen listening before the host was seen up (init pid %s, before the reboot %s,"
                            + " listening now %s); left out of the detection figures", host, pid, oldPid.get(host),
                            pid != null && listens(pid));
                } else {
                    detections.add(up - at);
                }
            });
            return detections;
        }

        /** How many hosts {@link #detections} left out. */
        int missed() {
            return missed;
        }

        private void loop() {
            long lastScan = 0;
            while (!closed) {
                if (!waiting.isEmpty()) {
                    synchronized (this) {
                        // a boot's init mounts its disks before sshd starts: finding it within 20 ms is
                        // soon enough, and listing /proc every 2 ms would cost the hosts' CPU; nor is
                        // /proc listed while the host is down (no new init can start before the lab boots it)
                        boolean unknown = waiting.stream()
                                .anyMatch(h -> (initPid.get(h) == null || initPid.get(h).equals(oldPid.get(h)))
                                        && lab.host(h).map(l -> l.state() != LabHost.State.DOWN).orElse(true));
                        if (unknown && System.nanoTime() - lastScan > SCAN_NANOS) {
                            scan();
                            lastScan = System.nanoTime();
                        }
                        for (String host : waiting) {
                            Long pid = initPid.get(host);
                            // sshd cannot listen before the init started it; reading net/tcp only then keeps
                            // the watch from taking the CPU it measures (see listens)
                            if (pid != null && !pid.equals(oldPid.get(host)) && startedSshd(pid) && listens(pid)) {
                                accepted.put(host, System.nanoTime());
                                waiting.remove(host);
                            }
                        }
                    }
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * Looks at every process not in the previous listing (2 ms ago, so a pid the kernel reused
         * is still seen as new), and again at those that mention the lab's init until they are one
         * or are gone: a forked process shows its parent's command line until it execs.
         */
        private void scan() {
            String[] names = new java.io.File("/proc").list();
            if (names == null) {
                return;
            }
            Set<Long> listing = new HashSet<>();
            // After a pause (no listing while the hosts are down) a pid in the old listing may have been
            // reused (pid_max is 32768 here, soon wrapped by 100 boots): then every process is looked at.
            boolean stale = System.nanoTime() - lastListingNanos > STALE_NANOS;
            lastListingNanos = System.nanoTime();
            for (String name : names) {
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long pid = Long.parseLong(name);
                listing.add(pid);
                if (stale || !lastListing.contains(pid)) {
                    candidates.add(pid);
                }
            }
            lastListing = listing;
            String prefix = lab.directory().resolve("hosts").toString() + "/";
            for (java.util.Iterator<Long> it = candidates.iterator(); it.hasNext();) {
                long pid = it.next();
                try {
                    // the init is: /bin/sh <lab dir>/junit-multihost-lab-init <lab dir>/hosts/<name> [niceness]
                    String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                            StandardCharsets.UTF_8);
                    if (cmdline.isEmpty() && emptySince.computeIfAbsent(pid, p -> System.nanoTime())
                            > System.nanoTime() - EMPTY_NANOS) {
                        // in the middle of an exec the new image's arguments are not set yet and read as
                        // empty: look again (a new init read then and dropped was never seen, on a loaded machine)
                        continue;
                    }
                    emptySince.remove(pid);
                    if (!cmdline.contains("junit-multihost-lab-init")) {
                        it.remove();
                        continue;
                    }
                    String[] argv = cmdline.split("\0");
                    if (argv.length >= 3 && argv[0].equals("/bin/sh") && argv[1].endsWith("/junit-multihost-lab-init")
                            && argv[2].startsWith(prefix) && isNamespaceInit(Long.toString(pid))) {
                        initPid.put(argv[2].substring(prefix.length()), pid);
                        it.remove();
                    }
                } catch (IOException e) {
                    it.remove(); // gone
                    emptySince.remove(pid);
                }
            }
        }

        /** Whether the process is PID 1 of its PID namespace (its forks show the same command line for a moment). */
        private static boolean isNamespaceInit(String pid) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] ids = line.substring(6).strip().split("\\s+");
                    return ids.length > 1 && ids[ids.length - 1].equals("1");
                }
            }
            return false;
        }

        /** Whether the init has a child running sshd: read from the kernel's list of its children, cheap. */
        private static boolean startedSshd(long pid) {
            try {
                String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"));
                for (String child : children.strip().split("\\s+")) {
                    if (!child.isEmpty() && Files.readSymbolicLink(Path.of("/proc", child, "exe")).toString().endsWith("/sshd")) {
                        return true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the boot ended, or a child is gone
            }
            return false;
        }

        /**
         * Whether port 22 is in LISTEN in the host's network namespace. A read of /proc/PID/net/tcp
         * walks the kernel's whole TCP hash table (about 1.3 ms of CPU here), so it is read only once
         * sshd runs ({@link #startedSshd}).
         */
        private static boolean listens(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "tcp"))) {
                    String[] fields = line.strip().split("\\s+");
                    if (fields.length > 3 && fields[1].endsWith(":0016") && fields[3].equals("0A")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // the boot ended
            }
            return false;
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
        }
    }

    /**
     * CPU time spent: machine-wide (every process: sshd, the lab, this JVM) and by this JVM.
     *
     * @param machineMillis all CPUs' busy time, from /proc/stat
     * @param jvmMillis this process's CPU time
     */
    record Cpu(double machineMillis, double jvmMillis) {

        static Cpu now() {
            double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() / 1e6;
            double machine = 0;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                    busy += Long.parseLong(f[i]);
                }
                machine = busy * 10.0; // USER_HZ is 100 on Linux
            } catch (IOException | RuntimeException e) {
                // no /proc/stat: machine-wide CPU stays 0
            }
            return new Cpu(machine, jvm);
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(machineMillis - earlier.machineMillis, jvmMillis - earlier.jvmMillis);
        }

        Cpu plus(Cpu other) {
            return new Cpu(machineMillis + other.machineMillis, jvmMillis + other.jvmMillis);
        }

        Cpu per(int n) {
            return new Cpu(machineMillis / n, jvmMillis / n);
        }
    }
}
