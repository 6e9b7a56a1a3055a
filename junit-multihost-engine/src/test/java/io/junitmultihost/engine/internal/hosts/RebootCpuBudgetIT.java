package io.junitmultihost.engine.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Host;
import io.junitmultihost.api.RebootOptions;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.lab.Lab;
import io.junitmultihost.lab.LabHost;
import io.junitmultihost.lab.LabOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU one reboot of one lab host costs, by who spends it, counted per process (this JVM, the
 * processes it started and reaped, and the host's processes alive now), so that other work on a
 * shared machine does not count: the lab's own reboot, then the engine's reboot of the same host
 * followed by one command over the pooled connection, as a test does. Logged (docs/REBOOTS.md);
 * nothing here bounds it. Reboots run one at a time on an idle host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RebootCpuBudgetIT {

    private static final Logger LOG = LoggerFactory.getLogger(RebootCpuBudgetIT.class);
    private static final int ROUNDS = 10;
    private static final long TICK_MS = 10; // USER_HZ = 100 on Linux

    private Lab lab;
    private LabHost labHost;
    private HostPool pool;
    private HostLease lease;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        MustNotSkip.requireLab();
        lab = Lab.start(LabOptions.builder().hosts(1).maxHosts(1).downTime(Duration.ofMillis(500)).build());
        labHost = lab.hosts().get(0);
        Path knownHosts = Files.write(dir.resolve("known_hosts"), List.of(labHost.knownHostsLine()));
        Path inventory = Files.write(dir.resolve("fleet.yml"), List.of("hosts:", "  - name: budget",
                "    address: " + labHost.address(), "    user: root", "    identity: " + lab.clientKey()));
        pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "inventory",
                "multihost.inventory", inventory.toString(), "multihost.inventory.ssh-config", "none",
                "multihost.inventory.known-hosts", knownHosts.toString())));
        lease = pool.lease(RebootCpuBudgetIT.class.getName(), List.of(new RoleDeclaration("node", 1, 1)));
    }

    @AfterAll
    void stop() {
        if (lease != null) {
            lease.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void oneRebootsCpuIsCountedByWhoSpendsIt() throws Exception {
        Host host = lease.cluster().hosts().get(0);
        host.bootId();
        host.reboot(RebootOptions.defaults()).awaitUp(Duration.ofMinutes(1)); // warm-up: JIT, first contact
        host.bootId();
        labHost.reboot();

        long[] labOnly = new long[3];
        long labStart = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            long[] before = cpu();
            labHost.reboot();
            add(labOnly, minus(cpu(), before));
        }
        long labEnd = System.nanoTime();
        long[] engine = new long[3];
        for (int round = 0; round < ROUNDS; round++) {
            long[] before = cpu();
            host.reboot(RebootOptions.defaults()).awaitUp(Duration.ofMinutes(1));
            host.bootId();
            add(engine, minus(cpu(), before));
        }

        long engineEnd = System.nanoTime();
        // CLOCK_MONOTONIC seconds, to match a `perf record -k CLOCK_MONOTONIC` of the run to each part
        LOG.info("Windows (monotonic s): lab only {} {}, engine {} {}", labStart / 1e9, labEnd / 1e9, labEnd / 1e9,
                engineEnd / 1e9);
        LOG.info("CPU per reboot (ms; this JVM, processes it reaped, the host's live processes; {} rounds): lab only {}"
                + " = {}; engine reboot and one command {} = {}", ROUNDS, per(labOnly), sum(labOnly) / ROUNDS,
                per(engine), sum(engine) / ROUNDS);
        assertThat(sum(engine)).isPositive();
    }

    /** {this JVM's own CPU, CPU of its reaped children, CPU of the host's live processes and their reaped children}, in ms. */
    private long[] cpu() throws IOException {
        long[] self = stat("self");
        long live = 0;
        for (String pid : pids()) {
            long[] p = stat(pid);
            live += p[0] + p[1];
        }
        return new long[] {self[0], self[1], live};
    }

    /** {utime + stime, cutime + cstime} of a process in ms, or zeros when it is gone. */
    private static long[] stat(String pid) {
        try {
            String text = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return new long[] {(Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_MS,
                (Long.parseLong(f[13]) + Long.parseLong(f[14])) * TICK_MS};
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    private List<String> pids() throws IOException {
        Process ip = new ProcessBuilder("ip", "netns", "pids", "mhl-" + lab.id() + "-" + labHost.name())
                .redirectErrorStream(true).start();
        String out = new String(ip.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        return out.lines().map(String::strip).filter(s -> s.matches("[0-9]+")).toList();
    }

    private static long[] minus(long[] a, long[] b) {
        return new long[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static void add(long[] into, long[] more) {
        for (int i = 0; i < into.length; i++) {
            into[i] += more[i];
        }
    }

    private static long sum(long[] a) {
        return a[0] + a[1] + a[2];
    }

    private static String per(long[] a) {
        return "[" + a[0] / ROUNDS + ", " + a[1] / ROUNDS + ", " + a[2] / ROUNDS + "]";
    }
}
